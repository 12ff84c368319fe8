package io.rollguard.routing.builtin;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * What the built-in router accepts from clients and upstream slots. The router buffers each body
 * (it records a sample per whole exchange), so {@code maxBodySize} bounds what one request can cost
 * the governance JVM: a bigger request is answered 413, a bigger upstream response 502.
 *
 * <p>{@code maxHeaderSize}, {@code maxHeaders}, {@code requestTimeout} (headers and body must have
 * arrived by then), {@code responseTimeout} (the answer must have left by then) and
 * {@code idleTimeout} (an idle keep-alive connection is closed) are settings of the JDK's HTTP
 * server, which reads them once per JVM from system properties; the router sets them before its
 * first server starts unless the operator gave them with {@code -D}.
 *
 * <p>{@code trustedProxies} lists the addresses or CIDR ranges whose tenant header the router
 * believes; from every other client the header is ignored (and not passed on), so nobody pins
 * themselves into a tenant wave by sending it.
 */
@ConfigurationProperties("rollguard.router")
record RouterLimits(
        @DefaultValue("10MB") DataSize maxBodySize,
        @DefaultValue("32KB") DataSize maxHeaderSize,
        @DefaultValue("100") int maxHeaders,
        @DefaultValue("PT10S") Duration requestTimeout,
        @DefaultValue("PT60S") Duration responseTimeout,
        @DefaultValue("PT30S") Duration idleTimeout,
        @DefaultValue("PT2S") Duration upstreamConnectTimeout,
        @DefaultValue("PT30S") Duration upstreamReadTimeout,
        @DefaultValue List<String> trustedProxies) {

    RouterLimits {
        if (maxBodySize.toBytes() < 1 || maxBodySize.toBytes() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("rollguard.router.max-body-size must be between 1B and 2GB, was "
                    + maxBodySize);
        }
        trustedProxies = trustedProxies == null ? List.of()
                : trustedProxies.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /**
     * The JDK server's settings as system properties; one the operator already set is kept. They
     * are JVM-wide and read when the first JDK server of the JVM is created, so later routers in
     * the same JVM (tests start several) share the first one's values.
     */
    void applyToJdkServer() {
        setIfAbsent("sun.net.httpserver.maxReqHeaderSize", String.valueOf(maxHeaderSize.toBytes()));
        setIfAbsent("sun.net.httpserver.maxReqHeaders", String.valueOf(maxHeaders));
        // both in whole seconds; the JDK checks them once a second (sun.net.httpserver.timerMillis)
        setIfAbsent("sun.net.httpserver.maxReqTime", String.valueOf(Math.max(1, requestTimeout.toSeconds())));
        setIfAbsent("sun.net.httpserver.maxRspTime", String.valueOf(Math.max(1, responseTimeout.toSeconds())));
        setIfAbsent("sun.net.httpserver.idleInterval", String.valueOf(Math.max(1, idleTimeout.toSeconds())));
    }

    private static void setIfAbsent(String name, String value) {
        if (System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }
}
