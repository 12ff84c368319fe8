package io.rollguard.platform.nodered;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.rollguard.platform.FlowsHash;
import io.rollguard.platform.SlotEnvironment;

/**
 * Rollguard's environment inside Node-RED flows: entries of the flows' {@code global-config} node
 * (the node whose {@code env} every flow reads with {@code env.get} or {@code ${NAME}}). Plain
 * values are {@code str} entries; a secret is a {@code cred} entry whose value Node-RED keeps in
 * its credential store and never answers in {@code GET /flows}. The node's property
 * {@value #BOOKKEEPING} = {@code {"managed":[names],"secrets":{name:reference}}} says which entries
 * are Rollguard's (the others are the app's and stay untouched) and which reference each secret
 * holds. Flows without a global-config node get one with the id {@value #NODE_ID}, which reading
 * back removes again once it holds nothing but managed entries.
 */
final class ManagedEnvironment {

    static final String NODE_ID = "rollguard-global-config";
    static final String BOOKKEEPING = "rollguard";
    /** Node-RED's placeholder for "keep the credential you hold" in a posted credentials map. */
    static final String KEEP_HELD = "__PWRD__";

    private static final String GLOBAL_CONFIG = "global-config";
    /** Bookkeeping flag: the app's own node had no env before Rollguard added entries, and gets none back. */
    private static final String ADDED_ENV = "addedEnv";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ManagedEnvironment() {
    }

    /**
     * A slot's flows taken apart: the app's flows (as the artifact had them), the managed
     * environment (secret references only), and the id of the global-config node whose credential
     * store holds its secrets, so a later deployment knows which secrets it may keep without their values.
     */
    record Split(String flowsJson, SlotEnvironment environment, String globalConfigId) {
    }

    static Split split(String flowsJson) {
        ArrayNode flows = (ArrayNode) FlowsHash.parse(flowsJson);
        ObjectNode node = globalConfig(flows);
        if (node == null) {
            return new Split(flowsJson, SlotEnvironment.EMPTY, null);
        }
        String id = node.path("id").asText();
        JsonNode bookkeeping = node.get(BOOKKEEPING);
        if (bookkeeping == null) {
            return new Split(flowsJson, SlotEnvironment.EMPTY, id);
        }
        Set<String> managed = new HashSet<>();
        bookkeeping.path("managed").forEach(name -> managed.add(name.asText()));
        JsonNode references = bookkeeping.path("secrets");
        Map<String, String> values = new TreeMap<>();
        Map<String, SlotEnvironment.Secret> secrets = new TreeMap<>();
        ArrayNode kept = NODES.arrayNode();
        for (JsonNode entry : node.path("env")) {
            String name = entry.path("name").asText();
            if (!managed.contains(name)) {
                kept.add(entry);
            } else if ("cred".equals(entry.path("type").asText())) {
                // the env entry of a secret holds no value; the bookkeeping says which version the store holds
                secrets.put(name, new SlotEnvironment.Secret(references.path(name).asText(null), null));
            } else {
                values.put(name, entry.path("value").asText());
            }
        }
        ArrayNode app = flows.deepCopy();
        ObjectNode appNode = globalConfig(app);
        appNode.remove(BOOKKEEPING);
        if (kept.isEmpty() && bookkeeping.path(ADDED_ENV).asBoolean(false)) {
            appNode.remove("env");
        } else {
            appNode.set("env", kept);
        }
        if (NODE_ID.equals(id) && onlyIdTypeAndEmptyEnv(appNode)) {
            removeById(app, NODE_ID);
        }
        return new Split(app.toString(), new SlotEnvironment(values, secrets), id);
    }

    /**
     * The flows to post so the slot runs {@code flowsJson} with {@code wanted}, given what the slot
     * holds now ({@code current}). Secret values go into the global-config node's
     * {@code credentials.map}, which Node-RED takes out of the flows before it stores or answers them.
     * The map is sent only when the secrets the slot holds must change, and then replaces the node's
     * whole credential store: a managed secret the slot keeps goes as {@value #KEEP_HELD}; the app's
     * own {@code cred} entries keep what the artifact itself carries in the node's {@code credentials},
     * nothing else (Rollguard's slots have no editor, so nothing else gives them a value, and Node-RED
     * stores the placeholder itself as the value where it holds none).
     */
    static ArrayNode merge(String flowsJson, SlotEnvironment wanted, Split current) {
        ArrayNode flows = ((ArrayNode) FlowsHash.parse(flowsJson)).deepCopy();
        refuseReserved(flows);
        refuseShadowing(flows, wanted);
        wanted.secrets().forEach((name, secret) -> {
            if (secret.reference() == null || secret.reference().isBlank()) {
                throw new IllegalArgumentException("secret " + name + " of the slot environment has no reference");
            }
        });
        ObjectNode node = globalConfig(flows);
        if (node == null && wanted.isEmpty()) {
            return flows;
        }
        if (node == null) {
            node = NODES.objectNode().put("id", NODE_ID).put("type", GLOBAL_CONFIG);
            node.set("env", NODES.arrayNode());
            flows.add(node);
        }
        String id = node.path("id").asText();
        if (!wanted.isEmpty()) {
            addEntries(node, wanted);
        }

        // what the slot holds under this node id now; anything held by another node id is gone once it is replaced
        boolean sameNode = id.equals(current.globalConfigId());
        Map<String, String> heldRefs = sameNode ? references(current.environment()) : Map.of();
        if (heldRefs.equals(references(wanted)) && !node.has("credentials")) {
            // the slot keeps what it holds when the posted node carries no credentials at all
            return flows;
        }
        Map<String, String> map = new LinkedHashMap<>();
        JsonNode ownCredentials = node.path("credentials").path("map");
        ownCredentials.fields().forEachRemaining(field -> map.put(field.getKey(), field.getValue().asText()));
        wanted.secrets().forEach((name, secret) -> {
            if (secret.value() != null) {
                map.put(name, secret.value());
            } else if (secret.reference().equals(heldRefs.get(name))) {
                map.put(name, KEEP_HELD);
            } else {
                throw new IllegalArgumentException("secret " + name + " (" + secret.reference()
                        + ") needs its value: the slot does not hold it");
            }
        });
        ObjectNode credentials = NODES.objectNode();
        ObjectNode credentialMap = credentials.putObject("map");
        map.forEach(credentialMap::put);
        node.set("credentials", credentials);
        return flows;
    }

    /**
     * The first difference between what was asked for and what a slot read back, or null. A plain
     * value may be named with its values; a secret only by its name and references.
     */
    static String difference(SlotEnvironment wanted, SlotEnvironment actual) {
        Set<String> names = new TreeSet<>(wanted.values().keySet());
        names.addAll(actual.values().keySet());
        for (String name : names) {
            String w = wanted.values().get(name);
            String a = actual.values().get(name);
            if (!Objects.equals(w, a)) {
                return "entry " + name + " is " + quoted(a) + " instead of " + quoted(w);
            }
        }
        Map<String, String> w = references(wanted);
        Map<String, String> a = references(actual);
        Set<String> secretNames = new TreeSet<>(w.keySet());
        secretNames.addAll(a.keySet());
        for (String name : secretNames) {
            if (!Objects.equals(w.get(name), a.get(name))) {
                return "secret " + name + " holds " + (a.containsKey(name) ? "reference " + a.get(name) : "nothing")
                        + " instead of " + (w.containsKey(name) ? "reference " + w.get(name) : "nothing");
            }
        }
        return null;
    }

    private static void addEntries(ObjectNode node, SlotEnvironment wanted) {
        ObjectNode bookkeeping = NODES.objectNode();
        JsonNode env = node.get("env");
        if (env == null || env.isNull()) {
            bookkeeping.put(ADDED_ENV, true);
            env = node.putArray("env");
        } else if (!env.isArray()) {
            throw new IllegalArgumentException("the flows' global-config node " + node.path("id").asText()
                    + " has an env that is not a list");
        }
        ArrayNode entries = (ArrayNode) env;
        for (JsonNode entry : entries) {
            String name = entry.path("name").asText();
            if (wanted.values().containsKey(name) || wanted.secrets().containsKey(name)) {
                throw new IllegalArgumentException("the flows' global-config node defines " + name
                        + " itself, and Rollguard manages that entry; remove it from the flows");
            }
        }
        wanted.values().forEach((name, value) -> entries.addObject().put("name", name).put("value", value).put("type", "str"));
        wanted.secrets().keySet().forEach(name -> entries.addObject().put("name", name).put("value", "").put("type", "cred"));
        ArrayNode managed = bookkeeping.putArray("managed");
        new TreeSet<>(names(wanted)).forEach(managed::add);
        ObjectNode references = bookkeeping.putObject("secrets");
        references(wanted).forEach(references::put);
        // Node-RED stores and answers a node's unknown properties as they were posted
        node.set(BOOKKEEPING, bookkeeping);
    }

    /**
     * A tab's, group's or subflow's env wins over the global-config node's for the nodes inside it,
     * so flows that set a managed name there would run with their own value, not the managed one.
     */
    private static void refuseShadowing(ArrayNode flows, SlotEnvironment wanted) {
        for (JsonNode n : flows) {
            if (GLOBAL_CONFIG.equals(n.path("type").asText())) {
                continue;
            }
            for (JsonNode entry : n.path("env")) {
                String name = entry.path("name").asText();
                if (wanted.values().containsKey(name) || wanted.secrets().containsKey(name)) {
                    throw new IllegalArgumentException("the env of " + n.path("type").asText() + " node "
                            + n.path("id").asText() + " sets " + name + ", which the slot environment manages");
                }
            }
        }
    }

    private static void refuseReserved(ArrayNode flows) {
        List<String> globalConfigs = new ArrayList<>();
        for (JsonNode n : flows) {
            if (NODE_ID.equals(n.path("id").asText())) {
                throw new IllegalArgumentException("flow node id " + NODE_ID + " is reserved for Rollguard");
            }
            if (GLOBAL_CONFIG.equals(n.path("type").asText())) {
                globalConfigs.add(n.path("id").asText());
                if (n.has(BOOKKEEPING)) {
                    throw new IllegalArgumentException("the flows' global-config node carries a property "
                            + BOOKKEEPING + ", which is reserved for Rollguard's own bookkeeping");
                }
            }
        }
        if (globalConfigs.size() > 1) {
            throw new IllegalArgumentException("the flows have " + globalConfigs.size() + " global-config nodes "
                    + globalConfigs + "; Node-RED keeps one");
        }
    }

    private static ObjectNode globalConfig(ArrayNode flows) {
        for (JsonNode n : flows) {
            if (GLOBAL_CONFIG.equals(n.path("type").asText())) {
                return (ObjectNode) n;
            }
        }
        return null;
    }

    private static boolean onlyIdTypeAndEmptyEnv(ObjectNode node) {
        Iterator<String> fields = node.fieldNames();
        while (fields.hasNext()) {
            String field = fields.next();
            if (!field.equals("id") && !field.equals("type") && !(field.equals("env") && node.get("env").isEmpty())) {
                return false;
            }
        }
        return true;
    }

    private static void removeById(ArrayNode flows, String id) {
        for (int i = 0; i < flows.size(); i++) {
            if (id.equals(flows.get(i).path("id").asText())) {
                flows.remove(i);
                return;
            }
        }
    }

    private static Set<String> names(SlotEnvironment environment) {
        Set<String> names = new TreeSet<>(environment.values().keySet());
        names.addAll(environment.secrets().keySet());
        return names;
    }

    private static Map<String, String> references(SlotEnvironment environment) {
        Map<String, String> references = new TreeMap<>();
        environment.secrets().forEach((name, secret) -> references.put(name, secret.reference()));
        return references;
    }

    private static String quoted(String value) {
        return value == null ? "missing" : "'" + value + "'";
    }
}
