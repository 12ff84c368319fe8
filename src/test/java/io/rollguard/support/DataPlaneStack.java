package io.rollguard.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Real HAProxy 2.6 and Prometheus 2.x for one app's two Node-RED slots, started natively with the
 * project's own {@code stack/haproxy/start.sh} and {@code stack/prometheus/start.sh} on free
 * ports. Fails loudly when they cannot start; the test command installs the Debian packages.
 */
public final class DataPlaneStack implements AutoCloseable {

    static final Path HAPROXY = NodeRedSlots.PROJECT.resolve("stack/haproxy");
    static final Path PROMETHEUS = NodeRedSlots.PROJECT.resolve("stack/prometheus");

    private final String route;
    private final NodeRedSlots slots;
    private final Path haproxyDir;
    private final Path prometheusDir;
    private final int trafficPort = NodeRedSlots.freePort();
    private final int runtimePort = NodeRedSlots.freePort();
    private final int metricsPort = NodeRedSlots.freePort();
    private final int prometheusPort = NodeRedSlots.freePort();

    private DataPlaneStack(String name, String route, NodeRedSlots slots) {
        this.route = route;
        this.slots = slots;
        this.haproxyDir = NodeRedSlots.PROJECT.resolve("target/data-plane/" + name + "/haproxy");
        this.prometheusDir = NodeRedSlots.PROJECT.resolve("target/data-plane/" + name + "/prometheus");
    }

    public static DataPlaneStack start(String name, String route, NodeRedSlots slots) {
        DataPlaneStack stack = new DataPlaneStack(name, route, slots);
        // a TSDB left by an earlier run still answers for its (other-port) series within the lookback
        deleteRecursively(stack.prometheusDir);
        stack.startHaproxy();
        try {
            stack.startPrometheus();
        } catch (RuntimeException e) {
            // the class's @AfterAll never sees a stack that failed to start: stop what did start,
            // or the next run finds this HAProxy still holding its directory
            stack.stopHaproxy();
            throw e;
        }
        return stack;
    }

    public void startHaproxy() {
        run(HAPROXY.resolve("start.sh").toString(), haproxyDir.toString(), String.valueOf(trafficPort),
                String.valueOf(runtimePort), String.valueOf(metricsPort), route,
                "127.0.0.1:" + slots.stable().port(), "127.0.0.1:" + slots.canary().port());
    }

    public void stopHaproxy() {
        run(HAPROXY.resolve("stop.sh").toString(), haproxyDir.toString());
    }

    public void startPrometheus() {
        // HAProxy's exporter, and the app's own counters (/app/metrics) on both slots
        run(PROMETHEUS.resolve("start.sh").toString(), prometheusDir.toString(), String.valueOf(prometheusPort),
                "127.0.0.1:" + metricsPort, "127.0.0.1:" + slots.stable().port(), "127.0.0.1:" + slots.canary().port());
    }

    public void stopPrometheus() {
        run(PROMETHEUS.resolve("stop.sh").toString(), prometheusDir.toString());
    }

    /** Users' door: {@code /<route>/<path>}. */
    public String trafficUrl(String path) {
        return "http://127.0.0.1:" + trafficPort + "/" + route + path;
    }

    public String trafficBase() {
        return "http://127.0.0.1:" + trafficPort;
    }

    public String runtimeApi() {
        return "127.0.0.1:" + runtimePort;
    }

    public String prometheusUrl() {
        return "http://127.0.0.1:" + prometheusPort;
    }

    public Path tenantMap() {
        return haproxyDir.resolve(route + "-tenants.map");
    }

    /** Asks HAProxy itself, not Rollguard: one runtime API command, its answer. */
    public String runtime(String command) {
        try (Socket socket = new Socket("127.0.0.1", runtimePort)) {
            socket.setSoTimeout(3000);
            OutputStream out = socket.getOutputStream();
            out.write((command + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            try (InputStream in = socket.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            }
        } catch (IOException e) {
            throw new IllegalStateException("HAProxy runtime API on " + runtimePort + ": " + e.getMessage(), e);
        }
    }

    /** The weight HAProxy applies now to a server of the app's backend ({@code stable} or {@code canary}). */
    public int weight(String server) {
        String answer = runtime("get weight " + route + "/" + server);
        return Integer.parseInt(answer.split(" ")[0]);
    }

    /** A registration body for the app on this stack; {@code owners} as JSON array content. */
    public String registration(String owners, String currentVersion) {
        return """
                {"owners":[%s],
                 "stable":{"adminUrl":"%s/admin","trafficUrl":"%s/app"},
                 "canary":{"adminUrl":"%s/admin","trafficUrl":"%s/app"},
                 "stableAdminToken":"%s","canaryAdminToken":"%s","route":"%s","currentVersion":"%s",
                 "dataPlane":{"router":"haproxy","runtimeApi":"%s","backend":"%s",
                              "metrics":"prometheus","prometheusUrl":"%s"}}"""
                .formatted(owners, slots.stable().baseUrl(), slots.stable().baseUrl(), slots.canary().baseUrl(),
                        slots.canary().baseUrl(), slots.stableToken(), slots.canaryToken(), route, currentVersion, runtimeApi(), route, prometheusUrl());
    }

    @Override
    public void close() {
        stopPrometheus();
        stopHaproxy();
    }

    private static void deleteRecursively(Path dir) {
        if (!java.nio.file.Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = java.nio.file.Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new IllegalStateException("cannot clear " + dir, e);
        }
    }

    private static void run(String... command) {
        NodeRedSlots.run(java.util.Map.of(), command);
    }
}
