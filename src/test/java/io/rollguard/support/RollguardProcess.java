package io.rollguard.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Rollguard as users run it: the packaged jar in its own JVM, so a test can kill it the hard
 * way (SIGKILL) and start it again on the same database.
 */
public final class RollguardProcess {

    private final List<String> args;
    private final Path log;
    private final int port;
    private final int routerPort;
    private Process process;

    public RollguardProcess(String name, List<String> extraArgs) {
        this.port = NodeRedSlots.freePort();
        this.routerPort = NodeRedSlots.freePort();
        this.log = NodeRedSlots.PROJECT.resolve("target/" + name + ".log");
        String jar = System.getProperty("rollguard.jar");
        if (jar == null || !Files.exists(Path.of(jar))) {
            throw new IllegalStateException("the packaged jar is needed (system property rollguard.jar = " + jar
                    + "); run the tests with ./rollguard test (mvn verify)");
        }
        args = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar, "--server.port=" + port, "--rollguard.router.port=" + routerPort));
        args.addAll(extraArgs);
    }

    /** Starts the JVM and waits until it answers; returns how long that took. */
    public Duration start() {
        Instant begin = Instant.now();
        try {
            process = new ProcessBuilder(args).directory(NodeRedSlots.PROJECT.toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Instant deadline = begin.plusSeconds(180);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Rollguard exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return Duration.between(begin, Instant.now());
                }
            } catch (IOException e) {
                // not up yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(250);
        }
        throw new IllegalStateException("Rollguard did not answer within 180 s; see " + log);
    }

    /** SIGKILL: no shutdown hooks, no graceful stop, like a crashed node. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public long pid() {
        return process.pid();
    }

    /** Resident memory of the JVM in MiB, from /proc. */
    public long rssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return -1;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public String routerUrl(String path) {
        return "http://127.0.0.1:" + routerPort + path;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
