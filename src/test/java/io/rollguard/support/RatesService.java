package io.rollguard.support;

import java.nio.file.Path;
import java.util.Map;

/**
 * The real stand-in rates service the sample app integrates with: its own Node-RED instance
 * started with the project's {@code stack/rates/start.sh} on a free port, serving
 * {@code /app/rates/v1} (old, open), {@code /app/rates/v2} (new, header {@code X-Api-Key} = the
 * key given here) and {@code /app/rates/broken} (healthy, every rates call 503).
 */
public final class RatesService implements AutoCloseable {

    static final Path STACK = NodeRedSlots.PROJECT.resolve("stack/rates");

    private final int port;
    private final Path userDir;

    private RatesService(int port, Path userDir) {
        this.port = port;
        this.userDir = userDir;
    }

    /** Started and its flows deployed; v2 wants {@code apiKey}. */
    public static RatesService start(String name, String apiKey) {
        int port = NodeRedSlots.freePort();
        Path userDir = NodeRedSlots.PROJECT.resolve("target/rates/" + name + "-" + port);
        NodeRedSlots.run(Map.of("RATES_API_KEY", apiKey), STACK.resolve("start.sh").toString(), String.valueOf(port),
                userDir.toString());
        return new RatesService(port, userDir);
    }

    public int port() {
        return port;
    }

    /** {@code host:port}, as an integration's allowed hosts name it. */
    public String hostAndPort() {
        return "127.0.0.1:" + port;
    }

    /** The base URL of one version: {@code v1}, {@code v2} or {@code broken}. */
    public String baseUrl(String version) {
        return "http://" + hostAndPort() + "/app/rates/" + version;
    }

    @Override
    public void close() {
        NodeRedSlots.run(STACK.resolve("stop.sh").toString(), userDir.toString());
    }
}
