package io.rollguard.integration;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.stereotype.Service;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;

import io.rollguard.integration.IntegrationDefinition.Setting;
import io.rollguard.platform.SlotEnvironment;
import io.rollguard.refusal.Refusal.Violation;

/** {@link IntegrationSettings} from the app's registry: its definitions and its versioned secrets. */
@Service
class RegisteredIntegrationSettings implements IntegrationSettings {

    static final String GLOBAL_CONFIG = "global-config";
    /** The property of the global-config node where the slot adapter keeps its bookkeeping. */
    static final String RESERVED_PROPERTY = "rollguard";
    /** The id of the global-config node the slot adapter adds to flows that have none. */
    static final String RESERVED_NODE_ID = "rollguard-global-config";
    private static final Pattern REFERENCE = Pattern.compile("^([a-z][a-z0-9-]{0,62})@([1-9][0-9]{0,8})$");
    private static final String NEVER_THE_SECRET = "must be a secret reference {secretRef: name}, never the secret itself";

    private final IntegrationRegistry registry;
    private final IntegrationProbe probes;

    RegisteredIntegrationSettings(IntegrationRegistry registry, IntegrationProbe probes) {
        this.registry = registry;
        this.probes = probes;
    }

    @Override
    public List<Violation> check(String appKey, List<SettingsChange> changes) {
        Map<String, IntegrationDefinition> registered = registry.definitions(appKey);
        List<String> secrets = registry.latestSecrets(appKey).stream().map(IntegrationRegistry.SecretVersion::name).toList();
        List<Violation> violations = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (int i = 0; i < changes.size(); i++) {
            SettingsChange change = changes.get(i);
            String path = "/integrations/" + i;
            String name = change.name() == null ? "" : change.name();
            IntegrationDefinition definition = registered.get(name);
            if (definition == null) {
                violations.add(new Violation(path + "/name", "app '" + appKey + "' has no integration '"
                        + DefinitionCheck.clip(name) + "' (registered: " + registered.keySet() + ")"));
                continue;
            }
            Integer first = seen.putIfAbsent(name, i);
            if (first != null) {
                violations.add(new Violation(path + "/name", "changes integration '" + name
                        + "' a second time (also /integrations/" + first + "); give all its settings in one entry"));
                continue;
            }
            JsonNode settings = change.settings();
            if (settings == null || !settings.isObject() || settings.isEmpty()) {
                violations.add(new Violation(path + "/settings", "must name at least one setting of integration '"
                        + name + "' to change (settings: " + definition.settings().keySet() + ")"));
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = settings.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                String settingPath = path + "/settings/" + DefinitionCheck.clip(e.getKey());
                Setting setting = definition.settings().get(e.getKey());
                if (setting == null) {
                    violations.add(new Violation(settingPath, "is not a setting of integration '" + name
                            + "' (settings: " + definition.settings().keySet() + ")"));
                    continue;
                }
                String problem = setting.secret() ? secretProblem(appKey, e.getValue(), secrets)
                        : SettingValues.problem(setting, e.getValue());
                if (problem != null) {
                    violations.add(new Violation(settingPath, problem));
                }
            }
        }
        return violations;
    }

    /** Nothing of the value is repeated: whatever was typed there may be the secret itself. */
    private static String secretProblem(String appKey, JsonNode value, List<String> secrets) {
        if (value == null || !value.isObject() || value.size() != 1 || !value.path("secretRef").isTextual()) {
            return NEVER_THE_SECRET;
        }
        if (!secrets.contains(value.path("secretRef").asText())) {
            return "names no secret of app '" + appKey + "' (its secrets: " + secrets + "); an admin adds one with PUT /api/apps/"
                    + appKey + "/secrets/{name}";
        }
        return null;
    }

    @Override
    public String redacted(String appKey, String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String result = text;
        for (String value : registry.allSecretValues(appKey)) {
            if (value.isEmpty()) {
                continue;
            }
            String escaped = new String(JsonStringEncoder.getInstance().quoteAsString(value));
            result = result.replace(value, REDACTED);
            if (!escaped.equals(value)) {
                result = result.replace(escaped, REDACTED);
            }
        }
        return result;
    }

    /** What stands in a report for a secret's value. */
    static final String REDACTED = "[secret]";

    @Override
    public List<Violation> artifactRefusals(String appKey, JsonNode flows) {
        Map<String, String> managed = new TreeMap<>();
        registry.definitions(appKey).forEach((integration, definition) -> definition.settings().values()
                .forEach(s -> managed.put(s.env(), integration)));
        List<Violation> violations = new ArrayList<>();
        if (flows == null || !flows.isArray()) {
            return violations;
        }
        int globalConfigs = 0;
        for (JsonNode node : flows) {
            String id = DefinitionCheck.clip(node.path("id").asText());
            String type = DefinitionCheck.clip(node.path("type").asText());
            boolean globalConfig = GLOBAL_CONFIG.equals(node.path("type").asText());
            if (RESERVED_NODE_ID.equals(node.path("id").asText())) {
                violations.add(new Violation("/artifact/file", "node id " + RESERVED_NODE_ID
                        + " is reserved for the node in which Rollguard keeps the app's managed environment"));
            }
            // Node-RED keeps credentials apart and never reads them back, so flows that carry any could neither be
            // verified after deployment nor restored; secrets reach a slot only through integrations[], by reference
            if (node.has("credentials")) {
                violations.add(new Violation("/artifact/file", type + " node " + id + " carries credentials; "
                        + "a release's flows may not set any (secrets go through integrations[] by reference)"));
            }
            if (globalConfig) {
                globalConfigs++;
                if (node.has(RESERVED_PROPERTY)) {
                    violations.add(new Violation("/artifact/file", "the global-config node " + id + " has a property '"
                            + RESERVED_PROPERTY + "', which is reserved for Rollguard's own bookkeeping in the slot"));
                }
                if (node.has("env") && !node.get("env").isArray()) {
                    violations.add(new Violation("/artifact/file", "the global-config node " + id
                            + " has an env that is not a list of entries"));
                }
            }
            // a tab's, group's, subflow's or subflow instance's env wins over the global one for the nodes inside it,
            // so a managed name set at any level would change the setting without its approvers
            for (JsonNode entry : node.path("env")) {
                String env = entry.path("name").asText();
                String integration = managed.get(env);
                if (integration != null) {
                    violations.add(new Violation("/artifact/file", "the environment entry " + env + " of " + type
                            + " node " + id + " is set by integration '" + integration
                            + "'; change it through integrations[] in the descriptor"));
                }
            }
        }
        if (globalConfigs > 1) {
            violations.add(new Violation("/artifact/file", "the flows have " + globalConfigs
                    + " global-config nodes; Node-RED keeps one"));
        }
        return violations;
    }

    @Override
    public SlotEnvironment effective(String appKey, SlotEnvironment base, List<SettingsChange> changes) {
        Map<String, String> values = new TreeMap<>(base.values());
        Map<String, SlotEnvironment.Secret> secrets = new TreeMap<>(base.secrets());
        Map<String, IntegrationDefinition> registered = registry.definitions(appKey);
        // what the stable slot does not run yet (a new integration or setting) starts at its default
        registered.values().forEach(definition -> definition.settings().values().forEach(s -> {
            if (values.containsKey(s.env()) || secrets.containsKey(s.env())) {
                return;
            }
            if (s.secret() && s.defaultRef() != null) {
                registry.latestSecret(appKey, s.defaultRef())
                        .ifPresent(v -> secrets.put(s.env(), new SlotEnvironment.Secret(v.reference(), null)));
            } else if (!s.secret() && s.defaultValue() != null) {
                values.put(s.env(), s.defaultValue().asText());
            }
        }));
        for (SettingsChange change : changes) {
            IntegrationDefinition definition = registered.get(change.name());
            if (definition == null) {
                throw new IllegalStateException("app '" + appKey + "' has no integration '" + change.name()
                        + "' any more; it was registered when the release was submitted");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = change.settings().fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                Setting setting = definition.settings().get(e.getKey());
                if (setting == null) {
                    throw new IllegalStateException("integration '" + change.name() + "' of app '" + appKey
                            + "' has no setting '" + e.getKey() + "' any more");
                }
                if (setting.secret()) {
                    String name = e.getValue().path("secretRef").asText();
                    IntegrationRegistry.SecretVersion latest = registry.latestSecret(appKey, name).orElseThrow(
                            () -> new IllegalStateException("app '" + appKey + "' has no secret '" + name + "' any more"));
                    secrets.put(setting.env(), new SlotEnvironment.Secret(latest.reference(), null));
                    values.remove(setting.env());
                } else {
                    values.put(setting.env(), e.getValue().asText());
                    secrets.remove(setting.env());
                }
            }
        }
        return withSecretValues(appKey, new SlotEnvironment(values, secrets));
    }

    @Override
    public SlotEnvironment withSecretValues(String appKey, SlotEnvironment environment) {
        Map<String, SlotEnvironment.Secret> resolved = new TreeMap<>();
        environment.secrets().forEach((env, secret) -> {
            Matcher m = REFERENCE.matcher(secret.reference() == null ? "" : secret.reference());
            String value = m.matches()
                    ? registry.secretValue(appKey, m.group(1), Integer.parseInt(m.group(2))).orElse(null)
                    : null;
            if (value == null) {
                throw new IllegalStateException("the secret reference '" + secret.reference() + "' of " + env
                        + " names no secret version of app '" + appKey + "'");
            }
            resolved.put(env, new SlotEnvironment.Secret(secret.reference(), value));
        });
        return new SlotEnvironment(environment.values(), resolved);
    }

    @Override
    public List<SettingChange> describe(String appKey, SlotEnvironment live, List<SettingsChange> changes) {
        Map<String, IntegrationDefinition> registered = registry.definitions(appKey);
        List<SettingChange> described = new ArrayList<>();
        for (SettingsChange change : changes) {
            IntegrationDefinition definition = registered.get(change.name());
            if (definition == null || change.settings() == null) {
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = change.settings().fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                Setting setting = definition.settings().get(e.getKey());
                if (setting == null) {
                    continue;
                }
                String release;
                if (setting.secret()) {
                    String name = e.getValue().path("secretRef").asText();
                    release = registry.latestSecret(appKey, name).map(v -> describeSecret(v.reference()))
                            .orElse("secret " + name + " (no version)");
                } else {
                    release = e.getValue().asText();
                }
                described.add(new SettingChange(change.name(), e.getKey(), setting.env(), liveValue(live, setting.env()),
                        release, setting.secret()));
            }
        }
        return described;
    }

    private static String liveValue(SlotEnvironment live, String env) {
        if (live.values().containsKey(env)) {
            return live.values().get(env);
        }
        SlotEnvironment.Secret secret = live.secrets().get(env);
        return secret == null ? null : describeSecret(secret.reference());
    }

    /** {@code rates-api-key@3} as an approver reads it: {@code secret rates-api-key (version 3)}. */
    static String describeSecret(String reference) {
        Matcher m = REFERENCE.matcher(reference == null ? "" : reference);
        return m.matches() ? "secret " + m.group(1) + " (version " + m.group(2) + ")" : "secret (unknown reference)";
    }

    @Override
    public List<ProbeOutcome> probe(String appKey, SlotEnvironment canary, List<String> integrations) {
        Map<String, IntegrationDefinition> registered = registry.definitions(appKey);
        SlotEnvironment resolved = canary.secrets().values().stream().allMatch(s -> s.value() != null) ? canary
                : withSecretValues(appKey, canary);
        List<ProbeOutcome> outcomes = new ArrayList<>();
        for (String name : integrations) {
            IntegrationDefinition definition = registered.get(name);
            outcomes.add(definition == null
                    ? new ProbeOutcome(name, "-", List.of("app '" + appKey + "' has no integration '" + name + "'"))
                    : probes.run(name, definition, resolved));
        }
        return outcomes;
    }
}
