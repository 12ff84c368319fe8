package io.rollguard.integration;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;

import io.rollguard.integration.IntegrationDefinition.Expectation;
import io.rollguard.integration.IntegrationDefinition.Probe;
import io.rollguard.integration.IntegrationDefinition.Setting;
import io.rollguard.refusal.Refusal.Violation;

/**
 * Reads an admin's integration definition, every violation by the path of its field. Unknown
 * fields are refused rather than ignored: a misspelt {@code hosts} must not leave a URL setting
 * that allows nothing in the way the admin meant.
 */
final class DefinitionCheck {

    static final Pattern INTEGRATION_NAME = Pattern.compile("^[a-z][a-z0-9-]{0,62}$");
    static final Pattern SETTING_NAME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9]{0,62}$");
    static final Pattern ENV_NAME = Pattern.compile("^[A-Z][A-Z0-9_]{0,63}$");
    /** App secrets are named like integrations. */
    static final Pattern SECRET_NAME = INTEGRATION_NAME;
    static final Pattern HEADER_NAME = Pattern.compile("^[A-Za-z0-9-]{1,64}$");
    static final Pattern SETTING_REFERENCE = Pattern.compile("^\\$\\{([a-zA-Z][a-zA-Z0-9]{0,62})}$");
    static final int MAX_SETTINGS = 30;
    static final int MAX_EXPECT = 20;
    static final int MAX_HEADERS = 20;
    static final int MAX_HOSTS = 20;
    /** Headers the HTTP client sets itself; a probe that set them could smuggle a second request. */
    private static final Set<String> RESERVED_HEADERS = Set.of("host", "connection", "content-length", "expect",
            "upgrade", "transfer-encoding", "te", "trailer", "proxy-authorization");
    private static final Set<String> TOP_FIELDS = Set.of("kind", "settings", "probe");
    private static final Set<String> SETTING_FIELDS = Set.of("type", "env", "hosts", "min", "max", "pattern",
            "default", "defaultRef");
    private static final Set<String> PROBE_FIELDS = Set.of("url", "method", "path", "headers", "expectStatus",
            "expect");

    record Checked(IntegrationDefinition definition, List<Violation> violations) {
    }

    private final List<Violation> violations = new ArrayList<>();

    private DefinitionCheck() {
    }

    /**
     * The definition in {@code body}, or violations; {@code others} are the app's other
     * integrations, whose environment names this one must not take.
     */
    static Checked check(JsonNode body, Map<String, IntegrationDefinition> others) {
        return new DefinitionCheck().read(body, others);
    }

    private Checked read(JsonNode body, Map<String, IntegrationDefinition> others) {
        if (body == null || !body.isObject()) {
            violations.add(new Violation("/", "must be a JSON object with kind, settings and probe"));
            return new Checked(null, violations);
        }
        unknownFields(body, TOP_FIELDS, "");
        if (!IntegrationDefinition.HTTP.equals(body.path("kind").asText(null))) {
            violations.add(new Violation("/kind", "must be http (the only kind of integration for now)"));
        }
        Map<String, Setting> settings = settings(body.path("settings"), others);
        // the probe is checked against the settings as given, so a setting refused above is not reported twice
        Probe probe = probe(body.path("probe"), body.path("settings"));
        if (!violations.isEmpty()) {
            return new Checked(null, violations);
        }
        return new Checked(new IntegrationDefinition(IntegrationDefinition.HTTP, settings, probe), List.of());
    }

    private Map<String, Setting> settings(JsonNode node, Map<String, IntegrationDefinition> others) {
        Map<String, Setting> settings = new LinkedHashMap<>();
        if (!node.isObject() || node.isEmpty() || node.size() > MAX_SETTINGS) {
            violations.add(new Violation("/settings", "must be an object of 1 to " + MAX_SETTINGS + " settings"));
            return settings;
        }
        Map<String, String> envs = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String path = "/settings/" + clip(e.getKey());
            if (!SETTING_NAME.matcher(e.getKey()).matches()) {
                violations.add(new Violation(path, "a setting name must match " + SETTING_NAME.pattern()));
                continue;
            }
            Setting setting = setting(e.getValue(), path);
            if (setting == null) {
                continue;
            }
            String sameEnv = envs.putIfAbsent(setting.env(), e.getKey());
            if (sameEnv != null) {
                violations.add(new Violation(path + "/env", "is also the environment name of setting '" + sameEnv + "'"));
            }
            others.forEach((other, definition) -> definition.settings().forEach((name, s) -> {
                if (s.env().equals(setting.env())) {
                    violations.add(new Violation(path + "/env", "environment name " + setting.env()
                            + " is already set by integration '" + other + "' (setting " + name + ")"));
                }
            }));
            settings.put(e.getKey(), setting);
        }
        return settings;
    }

    private Setting setting(JsonNode node, String path) {
        if (!node.isObject()) {
            violations.add(new Violation(path, "must be an object with type and env"));
            return null;
        }
        int before = violations.size();
        unknownFields(node, SETTING_FIELDS, path);
        String type = node.path("type").asText(null);
        if (!Setting.TYPES.contains(type)) {
            violations.add(new Violation(path + "/type", "must be one of " + Setting.TYPES));
            return null;
        }
        String env = node.path("env").asText(null);
        if (env == null || !ENV_NAME.matcher(env).matches()) {
            violations.add(new Violation(path + "/env", "must match " + ENV_NAME.pattern()));
        }
        onlyFor(node, "hosts", Setting.URL, type, path);
        onlyFor(node, "min", Setting.INTEGER, type, path);
        onlyFor(node, "max", Setting.INTEGER, type, path);
        onlyFor(node, "pattern", Setting.STRING, type, path);
        onlyFor(node, "defaultRef", Setting.SECRET, type, path);
        List<String> hosts = type.equals(Setting.URL) ? hosts(node.path("hosts"), path) : null;
        Long min = bound(node, "min", path);
        Long max = bound(node, "max", path);
        if (min != null && max != null && min > max) {
            violations.add(new Violation(path + "/max", "must not be less than min"));
        }
        String pattern = null;
        if (node.has("pattern")) {
            pattern = node.path("pattern").asText(null);
            if (pattern == null || pattern.isEmpty() || pattern.length() > 200 || !compiles(pattern)) {
                violations.add(new Violation(path + "/pattern", "must be a regular expression of at most 200 characters"));
                pattern = null;
            }
        }
        JsonNode defaultValue = node.has("default") ? node.get("default") : null;
        String defaultRef = null;
        if (type.equals(Setting.SECRET)) {
            if (defaultValue != null) {
                // never echo it: it may well be the secret
                violations.add(new Violation(path + "/default", "a secret setting has no default value; name an app "
                        + "secret with defaultRef instead"));
                defaultValue = null;
            }
            if (node.has("defaultRef")) {
                defaultRef = node.path("defaultRef").asText(null);
                if (defaultRef == null || !SECRET_NAME.matcher(defaultRef).matches()) {
                    violations.add(new Violation(path + "/defaultRef", "must name an app secret (" + SECRET_NAME.pattern() + ")"));
                }
            }
        }
        if (violations.size() > before) {
            return null;
        }
        Setting setting = new Setting(type, env, hosts, min, max, pattern, defaultValue, defaultRef);
        if (defaultValue != null) {
            String problem = SettingValues.problem(setting, defaultValue);
            if (problem != null) {
                violations.add(new Violation(path + "/default", problem));
                return null;
            }
        }
        return setting;
    }

    private List<String> hosts(JsonNode node, String path) {
        List<String> hosts = new ArrayList<>();
        if (!node.isArray() || node.isEmpty() || node.size() > MAX_HOSTS) {
            violations.add(new Violation(path + "/hosts", "a url setting needs 1 to " + MAX_HOSTS
                    + " allowed hosts as host:port"));
            return hosts;
        }
        for (int i = 0; i < node.size(); i++) {
            String host = node.get(i).asText("");
            if (!node.get(i).isTextual() || !SettingValues.HOST_PORT.matcher(host).matches()
                    || Integer.parseInt(host.substring(host.lastIndexOf(':') + 1)) > 65535) {
                violations.add(new Violation(path + "/hosts/" + i, "must be host:port"));
            } else {
                hosts.add(host);
            }
        }
        return hosts;
    }

    private Long bound(JsonNode node, String field, String path) {
        if (!node.has(field)) {
            return null;
        }
        JsonNode value = node.get(field);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            violations.add(new Violation(path + "/" + field, "must be an integer"));
            return null;
        }
        return value.asLong();
    }

    private Probe probe(JsonNode node, JsonNode settings) {
        if (!node.isObject()) {
            violations.add(new Violation("/probe", "must be an object: the request that shows the integration works"));
            return null;
        }
        unknownFields(node, PROBE_FIELDS, "/probe");
        String url = node.path("url").asText(null);
        if (url == null || !Setting.URL.equals(settings.path(url).path("type").asText())) {
            violations.add(new Violation("/probe/url", "must name a url setting of this integration"));
        }
        String method = node.has("method") ? node.path("method").asText("") : "GET";
        if (!List.of("GET", "HEAD", "POST").contains(method)) {
            violations.add(new Violation("/probe/method", "must be GET, HEAD or POST"));
        }
        String path = node.path("path").asText(null);
        if (path == null || !path.startsWith("/") || path.length() > SettingValues.MAX_TEXT
                || SettingValues.hasControlCharacters(path) || path.chars().anyMatch(Character::isWhitespace)
                || path.contains("#")) {
            violations.add(new Violation("/probe/path", "must start with / and be at most " + SettingValues.MAX_TEXT
                    + " characters, without spaces, control characters or a fragment"));
        }
        Map<String, String> headers = headers(node.path("headers"), settings);
        int expectStatus = 200;
        if (node.has("expectStatus")) {
            JsonNode status = node.get("expectStatus");
            if (!status.isInt() || status.asInt() < 100 || status.asInt() > 599) {
                violations.add(new Violation("/probe/expectStatus", "must be an HTTP status (100 to 599)"));
            } else {
                expectStatus = status.asInt();
            }
        }
        List<Expectation> expect = expectations(node.path("expect"));
        return new Probe(url, method, path, headers, expectStatus, expect);
    }

    private Map<String, String> headers(JsonNode node, JsonNode settings) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (node.isMissingNode()) {
            return headers;
        }
        if (!node.isObject() || node.size() > MAX_HEADERS) {
            violations.add(new Violation("/probe/headers", "must be an object of at most " + MAX_HEADERS + " headers"));
            return headers;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String path = "/probe/headers/" + clip(e.getKey());
            if (!HEADER_NAME.matcher(e.getKey()).matches() || RESERVED_HEADERS.contains(e.getKey().toLowerCase())) {
                violations.add(new Violation(path, "must be a header name (letters, digits, -) the HTTP client does not set itself"));
                continue;
            }
            String value = e.getValue().isTextual() ? e.getValue().asText() : null;
            if (value == null || value.length() > SettingValues.MAX_TEXT || SettingValues.hasControlCharacters(value)) {
                violations.add(new Violation(path, "must be a string of at most " + SettingValues.MAX_TEXT
                        + " characters without control characters"));
                continue;
            }
            var reference = SETTING_REFERENCE.matcher(value);
            if (reference.matches()) {
                if (!settings.has(reference.group(1))) {
                    violations.add(new Violation(path, "names no setting of this integration"));
                    continue;
                }
            } else if (value.contains("${")) {
                violations.add(new Violation(path, "must be a literal or exactly ${settingName}"));
                continue;
            }
            headers.put(e.getKey(), value);
        }
        return headers;
    }

    private List<Expectation> expectations(JsonNode node) {
        List<Expectation> expect = new ArrayList<>();
        if (node.isMissingNode()) {
            return expect;
        }
        if (!node.isArray() || node.size() > MAX_EXPECT) {
            violations.add(new Violation("/probe/expect", "must be a list of at most " + MAX_EXPECT + " expectations"));
            return expect;
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode e = node.get(i);
            String path = "/probe/expect/" + i;
            String pointer = e.path("pointer").asText(null);
            if (!e.isObject() || e.size() != 2 || pointer == null || !pointer.startsWith("/") || pointer.length() > 200
                    || !validPointer(pointer) || !e.path("equals").isValueNode()) {
                violations.add(new Violation(path, "must be {pointer: a JSON pointer, equals: a string, number or boolean}"));
                continue;
            }
            expect.add(new Expectation(pointer, e.get("equals")));
        }
        return expect;
    }

    private void onlyFor(JsonNode node, String field, String type, String actual, String path) {
        if (node.has(field) && !type.equals(actual)) {
            violations.add(new Violation(path + "/" + field, "is for " + type + " settings only"));
        }
    }

    private void unknownFields(JsonNode node, Set<String> known, String path) {
        node.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                violations.add(new Violation(path + "/" + clip(name), "is not a field of an integration definition "
                        + "(known here: " + known.stream().sorted().toList() + ")"));
            }
        });
    }

    private static boolean compiles(String pattern) {
        try {
            Pattern.compile(pattern);
            return true;
        } catch (PatternSyntaxException e) {
            return false;
        }
    }

    private static boolean validPointer(String pointer) {
        try {
            JsonPointer.compile(pointer);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A name from the input as part of a path: bounded, so a hostile key cannot flood the answer. */
    static String clip(String name) {
        return name.length() > 64 ? name.substring(0, 64) + "…" : name;
    }
}
