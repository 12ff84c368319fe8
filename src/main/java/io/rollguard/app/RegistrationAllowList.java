package io.rollguard.app;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

import io.rollguard.refusal.Refusal.Violation;

/**
 * Where an admin may point Rollguard: the hosts of slot, Prometheus and HAProxy addresses and of
 * app databases, as the operator configures them ({@code rollguard.registration.allowed-hosts};
 * an entry {@code *.example.org} allows every host under that domain). Without it a registration
 * makes the governance server call any address it can reach (cloud metadata, other services).
 * JDBC URLs are PostgreSQL only and carry only the driver parameters below: pgjdbc loads
 * classes and reads files named by others ({@code socketFactory}, {@code sslfactory},
 * {@code loggerFile}, {@code sslpasswordcallback}, ...), so everything not known harmless is refused.
 */
@ConfigurationProperties("rollguard.registration")
record RegistrationAllowList(List<String> allowedHosts) {

    /** Timeouts, TLS mode and labels: nothing that names a class, a file or a session setting. */
    static final Set<String> JDBC_PARAMETERS = Set.of("sslmode", "ssl", "connecttimeout", "sockettimeout",
            "logintimeout", "tcpkeepalive", "applicationname", "targetservertype", "preparethreshold");

    private static final String JDBC_PREFIX = "jdbc:postgresql://";

    RegistrationAllowList {
        allowedHosts = allowedHosts == null ? List.of() : allowedHosts.stream()
                .map(h -> h.trim().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty()).toList();
    }

    @Configuration
    @EnableConfigurationProperties(RegistrationAllowList.class)
    static class Enable {
    }

    boolean allows(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        for (String allowed : allowedHosts) {
            if (allowed.equals(h) || allowed.startsWith("*.") && h.endsWith(allowed.substring(1))) {
                return true;
            }
        }
        return false;
    }

    /** An http(s) URL whose host is allowed; null when it is, else why not. */
    String checkUrl(String url) {
        if (url == null) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return "is not a URL";
        }
        if (uri.getScheme() == null || !List.of("http", "https").contains(uri.getScheme().toLowerCase(Locale.ROOT))) {
            return "must be an http(s) URL";
        }
        if (uri.getRawUserInfo() != null) {
            return "must not carry user information";
        }
        return allows(uri.getHost()) ? null : hostRefused(uri.getHost());
    }

    /** host:port (HAProxy's runtime API). */
    String checkHostPort(String hostPort) {
        if (hostPort == null) {
            return null;
        }
        int colon = hostPort.lastIndexOf(':');
        String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
        return allows(host) ? null : hostRefused(host);
    }

    /** {@code jdbc:postgresql://host[:port][,host[:port]]/database[?name=value&...]}. */
    String checkJdbcUrl(String url) {
        if (url == null || !url.startsWith(JDBC_PREFIX)) {
            return "must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database)";
        }
        String rest = url.substring(JDBC_PREFIX.length());
        int slash = rest.indexOf('/');
        if (slash <= 0) {
            return "must name host and database (jdbc:postgresql://host:port/database)";
        }
        for (String hostPort : rest.substring(0, slash).split(",")) {
            String host = hostPort.startsWith("[") ? hostPort.substring(0, hostPort.indexOf(']') + 1)
                    : hostPort.contains(":") ? hostPort.substring(0, hostPort.indexOf(':')) : hostPort;
            if (!allows(decode(host))) {
                return hostRefused(host);
            }
        }
        int query = rest.indexOf('?');
        if (query >= 0) {
            for (String pair : rest.substring(query + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                // pgjdbc decodes parameter names, so socket%46actory is socketFactory
                String name = decode(pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair);
                if (!JDBC_PARAMETERS.contains(name.toLowerCase(Locale.ROOT))) {
                    return "driver parameter '" + name + "' is not allowed (allowed: sslmode, ssl, connectTimeout, "
                            + "socketTimeout, loginTimeout, tcpKeepAlive, ApplicationName, targetServerType, prepareThreshold)";
                }
            }
        }
        return null;
    }

    private String hostRefused(String host) {
        return "host '" + host + "' is not one the operator allows (rollguard.registration.allowed-hosts: "
                + String.join(", ", allowedHosts) + ")";
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    static void add(List<Violation> violations, String path, String problem) {
        if (problem != null) {
            violations.add(new Violation(path, problem));
        }
    }
}
