package io.rollguard.integration;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.rollguard.integration.IntegrationDefinition.Expectation;
import io.rollguard.integration.IntegrationDefinition.Probe;
import io.rollguard.integration.IntegrationDefinition.Setting;
import io.rollguard.integration.IntegrationSettings.ProbeOutcome;
import io.rollguard.platform.SlotEnvironment;

/**
 * Sends one integration's probe with the settings a canary runs with. The URL comes from the
 * canary's environment, which a release sets, so its host is checked against the registered
 * hosts again right before sending, and redirects are never followed (a redirect would lead
 * anywhere). What a problem quotes of the answer has every secret sent with it blanked out, in
 * case the other side echoes headers.
 */
@Component
class IntegrationProbe {

    static final int MAX_ANSWER_BYTES = 64 * 1024;
    private static final int QUOTED_CHARS = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client;
    private final Duration requestTimeout;

    @Autowired
    IntegrationProbe() {
        this(Duration.ofSeconds(2), Duration.ofSeconds(5));
    }

    IntegrationProbe(Duration connectTimeout, Duration requestTimeout) {
        this.client = HttpClient.newBuilder().connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER)
                // HTTP/1.1: the client's h2c upgrade request is left unanswered by some servers (Node-RED among them)
                .version(HttpClient.Version.HTTP_1_1)
                .proxy(HttpClient.Builder.NO_PROXY).build();
        this.requestTimeout = requestTimeout;
    }

    ProbeOutcome run(String integration, IntegrationDefinition definition, SlotEnvironment env) {
        Probe probe = definition.probe();
        Setting urlSetting = definition.settings().get(probe.url());
        String base = env.values().get(urlSetting.env());
        if (base == null) {
            return new ProbeOutcome(integration, probe.method() + " (no URL)", List.of("the canary has no "
                    + urlSetting.env() + " (setting " + probe.url() + ") to send the probe to"));
        }
        String target = base + probe.path();
        URI uri;
        try {
            uri = new URI(target);
        } catch (URISyntaxException e) {
            return new ProbeOutcome(integration, probe.method() + " (no URL)",
                    List.of(urlSetting.env() + " and the probe's path make no URL"));
        }
        // credentials in a URL are refused below, and never shown
        String request = probe.method() + " " + (uri.getRawUserInfo() == null ? uri : "(a URL with credentials)");
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        String hostPort = SettingValues.hostPort(uri);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getRawUserInfo() != null || hostPort == null) {
            return new ProbeOutcome(integration, request, List.of("not sent: " + urlSetting.env()
                    + " is not an http(s) URL with a host and without credentials"));
        }
        if (!SettingValues.allowed(hostPort, urlSetting.hosts())) {
            return new ProbeOutcome(integration, request, List.of("not sent: host " + hostPort
                    + " is not one of the hosts the integration allows " + urlSetting.hosts()));
        }
        List<String> secretsSent = new ArrayList<>();
        HttpRequest.Builder builder;
        try {
            builder = HttpRequest.newBuilder(uri).timeout(requestTimeout).method(probe.method(),
                    HttpRequest.BodyPublishers.noBody());
            for (Map.Entry<String, String> h : headers(probe, definition, env, secretsSent).entrySet()) {
                builder.header(h.getKey(), h.getValue());
            }
        } catch (IllegalArgumentException e) {
            // never the header's value: it may be a secret
            return new ProbeOutcome(integration, request, List.of("not sent: the request is not one HTTP can carry"));
        }
        List<String> problems = new ArrayList<>();
        try {
            HttpResponse<InputStream> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
            String body;
            try (InputStream in = response.body()) {
                body = new String(in.readNBytes(MAX_ANSWER_BYTES), StandardCharsets.UTF_8);
            }
            if (response.statusCode() != probe.expectStatus()) {
                problems.add("answered HTTP " + response.statusCode() + ", expected " + probe.expectStatus()
                        + (body.isBlank() ? "" : ": " + quote(body, secretsSent)));
            } else if (!probe.expect().isEmpty()) {
                expectations(probe.expect(), body, secretsSent, problems);
            }
        } catch (HttpTimeoutException e) {
            problems.add("no answer within " + requestTimeout.toMillis() + " ms: " + e.getClass().getSimpleName());
        } catch (IOException e) {
            problems.add("no answer: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + quote(e.getMessage(), secretsSent)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problems.add("no answer: interrupted");
        }
        return new ProbeOutcome(integration, request, problems);
    }

    private static Map<String, String> headers(Probe probe, IntegrationDefinition definition, SlotEnvironment env,
            List<String> secretsSent) {
        Map<String, String> headers = new LinkedHashMap<>();
        probe.headers().forEach((name, value) -> {
            Matcher reference = DefinitionCheck.SETTING_REFERENCE.matcher(value);
            if (!reference.matches()) {
                headers.put(name, value);
                return;
            }
            Setting setting = definition.settings().get(reference.group(1));
            String resolved;
            if (setting.secret()) {
                SlotEnvironment.Secret secret = env.secrets().get(setting.env());
                resolved = secret == null ? null : secret.value();
                if (resolved != null) {
                    secretsSent.add(resolved);
                }
            } else {
                resolved = env.values().get(setting.env());
            }
            if (resolved != null) {
                headers.put(name, resolved);
            }
        });
        return headers;
    }

    private static void expectations(List<Expectation> expect, String body, List<String> secretsSent, List<String> problems) {
        JsonNode answer;
        try {
            answer = JSON.readTree(body);
        } catch (IOException e) {
            problems.add("answered no JSON: " + quote(body, secretsSent));
            return;
        }
        for (Expectation e : expect) {
            JsonNode actual = answer == null ? null : answer.at(e.pointer());
            if (actual == null || actual.isMissingNode()) {
                problems.add(e.pointer() + " is missing");
            } else if (!actual.equals(e.equals())) {
                problems.add(e.pointer() + " is " + quote(actual.toString(), secretsSent) + ", expected " + e.equals());
            }
        }
    }

    /** Part of what came back, clipped, with every secret that was sent blanked out. */
    private static String quote(String text, List<String> secretsSent) {
        String quoted = text;
        for (String secret : secretsSent) {
            if (!secret.isEmpty()) {
                quoted = quoted.replace(secret, "[secret]");
            }
        }
        quoted = quoted.strip();
        return quoted.length() > QUOTED_CHARS ? quoted.substring(0, QUOTED_CHARS) + "…" : quoted;
    }
}
