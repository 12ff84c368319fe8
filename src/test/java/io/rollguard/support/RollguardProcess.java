package io.rollguard.support;

import static org.awaitility.Awaitility.await;

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

    /**
     * The jar with the tests' explicit opt-in to the dev defaults ({@code rollguard.dev-defaults.allowed}),
     * which the tests on profile postgres need for their dev users and tokens.
     */
    public RollguardProcess(String name, List<String> extraArgs) {
        this(name, extraArgs, true);
    }

    /** The jar as an operator starts it: dev defaults only on the embedded default (no profile). */
    public static RollguardProcess withoutDevDefaultsOptIn(String name, List<String> extraArgs) {
        return new RollguardProcess(name, extraArgs, false);
    }

    private RollguardProcess(String name, List<String> extraArgs, boolean devDefaultsOptIn) {
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
        if (devDefaultsOptIn) {
            // the tests' dry-run role has a dev password: only a run that opted in to dev defaults gets it
            PostgresDatabase.dryRunProperties().forEach((key, value) -> args.add("--" + key + "=" + value));
            args.add("--rollguard.dev-defaults.allowed=true");
        }
        args.addAll(extraArgs);
    }

    /** Starts the JVM and waits for it to end by itself; returns its exit code, or fails if it keeps running. */
    public int runUntilExit(Duration timeout) {
        try {
            process = new ProcessBuilder(args).directory(NodeRedSlots.PROJECT.toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                kill();
                throw new AssertionError("Rollguard still ran after " + timeout + "; see " + log);
            }
            return process.exitValue();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** What the process wrote so far. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
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
        await("Rollguard answers on " + baseUrl() + " (log: " + log + ")")
                .atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("Rollguard exited with " + process.exitValue() + "; see " + log);
                    }
                    return healthy(http);
                });
        return Duration.between(begin, Instant.now());
    }

    private boolean healthy(HttpClient http) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false; // not up yet
        }
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
}
