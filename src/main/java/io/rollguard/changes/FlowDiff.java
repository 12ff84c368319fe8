package io.rollguard.changes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;

import io.rollguard.platform.FlowsHash;

/**
 * What a set of Node-RED flows changes compared with another: per tab and subflow the nodes added,
 * removed and changed (with each changed property), code and templates as a line diff, the
 * {@code http in} endpoints, the outgoing hosts and the config nodes. Pure: no Spring, no I/O.
 * <p>
 * What counts as a change: everything the runtime or a reader of the flows would notice. What does
 * not: the order of the nodes in the array and of the keys in a node, where a node sits on the canvas
 * ({@code x}, {@code y}, a group's {@code w} and {@code h}, a subflow's port positions), whether its
 * label is drawn ({@code l}), and the order of the targets of one output ({@code wires[n]}) or of a
 * link node's {@code links} (both are sets to the runtime). A renamed node, a one-character code
 * edit, a wire moved to another node or another output, a node moved to another tab are changes.
 * <p>
 * Secrets never leave: a property named like a password, token, secret, API key or credential (and
 * any {@code credentials} object) is reported as changed without its values, nested ones and
 * credential-typed env entries are masked, and user info in URLs is cut.
 */
public final class FlowDiff {

    /** Where a node is drawn, nothing the runtime does. */
    static final Set<String> CANVAS_ONLY = Set.of("x", "y", "w", "h", "l");
    /** Text shown as a line diff rather than as two values. */
    static final Set<String> CODE = Set.of("func", "initialize", "finalize", "template");
    /** Types that are config nodes wherever they are scoped. */
    static final Set<String> CONFIG_TYPES = Set.of("mqtt-broker", "websocket-listener", "websocket-client", "tls-config",
            "http proxy", "global-config", "ui_base", "ui_tab", "ui_group");
    static final String MASK = "***";

    private static final int CONTEXT_LINES = 3;

    private FlowDiff() {
    }

    /** {@code liveFlowsJson} null or blank: nothing is live, every node is added. */
    public static Result between(String liveFlowsJson, String newFlowsJson) {
        JsonNode live = liveFlowsJson == null || liveFlowsJson.isBlank() ? JsonNodeFactory.instance.arrayNode()
                : FlowsHash.parse(liveFlowsJson);
        return between(live, FlowsHash.parse(newFlowsJson));
    }

    static Result between(JsonNode liveFlows, JsonNode newFlows) {
        Side before = new Side(liveFlows);
        Side after = new Side(newFlows);

        Map<String, ContainerBuilder> containers = new LinkedHashMap<>();
        // containers in the order the new flows list them, then those only live
        for (JsonNode c : after.containers.values()) {
            containers.put(id(c), new ContainerBuilder(c, before.containers.get(id(c))));
        }
        for (JsonNode c : before.containers.values()) {
            containers.computeIfAbsent(id(c), k -> new ContainerBuilder(null, c));
        }
        List<NodeChange> configAdded = new ArrayList<>();
        List<NodeChange> configRemoved = new ArrayList<>();
        List<NodeChange> configChanged = new ArrayList<>();

        for (JsonNode n : after.nodes.values()) {
            JsonNode old = before.nodes.get(id(n));
            boolean config = after.isConfig(n);
            if (old == null) {
                NodeChange added = new NodeChange(after.ref(n), codeOnly(null, n));
                (config ? configAdded : container(containers, after, n).added).add(added);
            } else {
                List<PropertyChange> changes = properties(old, n, before, after);
                if (!changes.isEmpty()) {
                    NodeChange changed = new NodeChange(after.ref(n), changes);
                    (config ? configChanged : container(containers, after, n).changed).add(changed);
                }
            }
        }
        for (JsonNode n : before.nodes.values()) {
            if (!after.nodes.containsKey(id(n))) {
                NodeChange removed = new NodeChange(before.ref(n), codeOnly(n, null));
                (before.isConfig(n) ? configRemoved : container(containers, before, n).removed).add(removed);
            }
        }
        List<Container> changedContainers = containers.values().stream().map(ContainerBuilder::build)
                .filter(c -> !c.status().equals("unchanged")).toList();
        return new Result(changedContainers, new NodeChanges(configAdded, configRemoved, configChanged),
                endpoints(before, after), hosts(before, after), before.nodes.size() + before.containers.size(),
                after.nodes.size() + after.containers.size());
    }

    // ---------------------------------------------------------------- result

    /** The difference; {@code liveNodes} and {@code newNodes} count every entry of each array. */
    public record Result(List<Container> containers, NodeChanges configNodes, Endpoints endpoints, Hosts hosts,
            int liveNodes, int newNodes) {

        public boolean isEmpty() {
            return containers.isEmpty() && configNodes.isEmpty() && endpoints.isEmpty() && hosts.added().isEmpty()
                    && hosts.removed().isEmpty();
        }

        /** Every node (config nodes included) the new flows add, with the changed ones. */
        public List<NodeChange> addedNodes() {
            List<NodeChange> all = new ArrayList<>();
            containers.forEach(c -> all.addAll(c.added()));
            all.addAll(configNodes.added());
            return all;
        }

        public List<NodeChange> changedNodes() {
            List<NodeChange> all = new ArrayList<>();
            containers.forEach(c -> all.addAll(c.changed()));
            all.addAll(configNodes.changed());
            return all;
        }
    }

    /**
     * A node as approvers know it: id, type, name (null when it has none), the label of the tab or
     * subflow it is on (null for a global config node), and the literal hosts it talks to.
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record NodeRef(String id, String type, String name, String container, List<String> hosts) {

        /** {@code node 'Get rates' on tab 'Expenses'}, or the type and id when it has no name. */
        public String describe() {
            String who = name != null ? "node '" + name + "'" : "node " + type + " " + id;
            return who + (container == null ? " (config)" : " on '" + container + "'");
        }
    }

    /**
     * A property of a node that differs. Values are JSON ({@code null} when absent on that side);
     * a secret has neither value. Code and multi-line text carry a unified line diff in {@code lines}
     * (hunk headers {@code @@ -a,b +c,d @@}, then lines starting with space, {@code -} or {@code +})
     * instead of the two values.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PropertyChange(String name, JsonNode before, JsonNode after, Boolean secret, List<String> lines) {
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record NodeChange(NodeRef node, List<PropertyChange> properties) {

        public Set<String> propertyNames() {
            Set<String> names = new LinkedHashSet<>();
            properties.forEach(p -> names.add(p.name()));
            return names;
        }
    }

    public record NodeChanges(List<NodeChange> added, List<NodeChange> removed, List<NodeChange> changed) {
        public boolean isEmpty() {
            return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
        }
    }

    /**
     * A tab ({@code kind} tab), a subflow (subflow) or the nodes whose container is unknown (none);
     * {@code status} added, removed or changed (its own properties or its nodes).
     */
    public record Container(String id, String kind, String label, String status, List<PropertyChange> properties,
            List<NodeChange> added, List<NodeChange> removed, List<NodeChange> changed) {
    }

    public record Endpoint(String method, String url, NodeRef node) {
        public String key() {
            return method + " " + url;
        }
    }

    public record EndpointChange(Endpoint before, Endpoint after) {
    }

    public record Endpoints(List<Endpoint> added, List<Endpoint> removed, List<EndpointChange> changed) {
        public boolean isEmpty() {
            return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
        }
    }

    /** A host a node's property names; {@code host} null for a dynamic value (built from msg, env or a template). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HostUse(String host, String property, NodeRef node) {
    }

    /** Hosts no live node talked to, hosts no new node talks to any more, and new nodes whose target is dynamic. */
    public record Hosts(List<HostUse> added, List<HostUse> removed, List<HostUse> dynamic) {
    }

    // ---------------------------------------------------------------- one side

    /** One set of flows, indexed. */
    private static final class Side {
        final Map<String, JsonNode> containers = new LinkedHashMap<>();
        final Map<String, JsonNode> nodes = new LinkedHashMap<>();
        final Map<String, List<HostUse>> hostsByNode = new LinkedHashMap<>();

        Side(JsonNode flows) {
            for (JsonNode n : flows) {
                String type = n.path("type").asText();
                if (type.equals("tab") || type.equals("subflow")) {
                    containers.put(id(n), n);
                } else {
                    nodes.put(id(n), n);
                }
            }
        }

        boolean isConfig(JsonNode n) {
            return CONFIG_TYPES.contains(n.path("type").asText()) || n.path("z").asText("").isEmpty();
        }

        String containerLabel(String z) {
            JsonNode c = containers.get(z);
            if (c == null) {
                return z == null || z.isEmpty() ? null : z;
            }
            return c.path("type").asText().equals("tab") ? text(c, "label", id(c)) : text(c, "name", id(c));
        }

        /** The hosts the node names, each use carrying the node (whose ref lists its literal hosts). */
        List<HostUse> hosts(JsonNode n) {
            return hostsByNode.computeIfAbsent(id(n), k -> {
                List<OutgoingHosts.Found> found = OutgoingHosts.of(n);
                if (found.isEmpty()) {
                    return List.of();
                }
                NodeRef ref = refWith(n, found.stream().map(OutgoingHosts.Found::host).filter(Objects::nonNull)
                        .distinct().toList());
                return found.stream().map(f -> new HostUse(f.host(), f.property(), ref)).toList();
            });
        }

        NodeRef ref(JsonNode n) {
            List<HostUse> uses = hosts(n);
            return uses.isEmpty() ? refWith(n, List.of()) : uses.get(0).node();
        }

        private NodeRef refWith(JsonNode n, List<String> hosts) {
            String z = n.path("z").asText("");
            return new NodeRef(id(n), n.path("type").asText(), text(n, "name", null),
                    isConfig(n) && z.isEmpty() ? null : containerLabel(z), hosts);
        }
    }

    private static ContainerBuilder container(Map<String, ContainerBuilder> containers, Side side, JsonNode n) {
        String z = n.path("z").asText("");
        return containers.computeIfAbsent(z, k -> new ContainerBuilder(z, side.containerLabel(z)));
    }

    private static final class ContainerBuilder {
        final String id;
        final String kind;
        final String label;
        final String status;
        final List<PropertyChange> properties;
        final List<NodeChange> added = new ArrayList<>();
        final List<NodeChange> removed = new ArrayList<>();
        final List<NodeChange> changed = new ArrayList<>();

        ContainerBuilder(JsonNode after, JsonNode before) {
            JsonNode c = after != null ? after : before;
            id = id(c);
            kind = c.path("type").asText();
            label = kind.equals("tab") ? text(c, "label", id) : text(c, "name", id);
            status = after == null ? "removed" : before == null ? "added" : null;
            properties = after != null && before != null ? properties(before, after, null, null) : List.of();
        }

        /** The nodes of a container neither side defines. */
        ContainerBuilder(String id, String label) {
            this.id = id;
            this.kind = "none";
            this.label = label;
            this.status = null;
            this.properties = List.of();
        }

        Container build() {
            String s = status != null ? status
                    : properties.isEmpty() && added.isEmpty() && removed.isEmpty() && changed.isEmpty() ? "unchanged"
                    : "changed";
            return new Container(id, kind, label, s, properties, added, removed, changed);
        }
    }

    // ---------------------------------------------------------------- properties

    private static List<PropertyChange> properties(JsonNode before, JsonNode after, Side beforeSide, Side afterSide) {
        ObjectNode b = normalized(before);
        ObjectNode a = normalized(after);
        Set<String> names = new TreeSet<>();
        b.fieldNames().forEachRemaining(names::add);
        a.fieldNames().forEachRemaining(names::add);
        names.remove("id");
        List<PropertyChange> changes = new ArrayList<>();
        for (String name : names) {
            JsonNode bv = b.get(name);
            JsonNode av = a.get(name);
            if (Objects.equals(bv, av)) {
                continue;
            }
            changes.add(change(name, bv, av));
        }
        return changes;
    }

    private static PropertyChange change(String name, JsonNode before, JsonNode after) {
        if (Secrets.isSecretName(name)) {
            return new PropertyChange(name, null, null, true, null);
        }
        if (isText(before, after) && (CODE.contains(name) || multiLine(before) || multiLine(after))) {
            return new PropertyChange(name, null, null, null, lines(textOf(before), textOf(after)));
        }
        return new PropertyChange(name, Secrets.masked(before), Secrets.masked(after), null, null);
    }

    /** Added and removed nodes carry only their code, as a diff against nothing. */
    private static List<PropertyChange> codeOnly(JsonNode before, JsonNode after) {
        JsonNode n = after != null ? after : before;
        List<PropertyChange> code = new ArrayList<>();
        for (String name : new TreeSet<>(CODE)) {
            JsonNode v = n.get(name);
            if (v != null && v.isTextual() && !v.asText().isEmpty()) {
                code.add(new PropertyChange(name, null, null, null,
                        after != null ? lines("", v.asText()) : lines(v.asText(), "")));
            }
        }
        return code;
    }

    static List<String> lines(String before, String after) {
        List<String> original = splitLines(before);
        List<String> revised = splitLines(after);
        Patch<String> patch = DiffUtils.diff(original, revised);
        List<String> unified = UnifiedDiffUtils.generateUnifiedDiff("before", "after", original, patch, CONTEXT_LINES);
        // the first two lines are the file headers (--- before, +++ after)
        return unified.size() <= 2 ? List.of() : List.copyOf(unified.subList(2, unified.size()));
    }

    private static List<String> splitLines(String text) {
        return text.isEmpty() ? List.of() : Arrays.asList(text.split("\r?\n", -1));
    }

    private static boolean isText(JsonNode before, JsonNode after) {
        return (before == null || before.isTextual()) && (after == null || after.isTextual());
    }

    private static boolean multiLine(JsonNode v) {
        return v != null && v.isTextual() && v.asText().indexOf('\n') >= 0;
    }

    private static String textOf(JsonNode v) {
        return v == null ? "" : v.asText();
    }

    /**
     * A copy without what the canvas alone shows, with the sets the runtime treats as sets sorted.
     */
    static ObjectNode normalized(JsonNode node) {
        ObjectNode copy = ((ObjectNode) node).deepCopy();
        copy.remove(CANVAS_ONLY);
        JsonNode wires = copy.get("wires");
        if (wires != null && wires.isArray()) {
            ArrayNode sorted = JsonNodeFactory.instance.arrayNode();
            for (JsonNode output : wires) {
                sorted.add(output.isArray() ? sortedTexts(output) : output);
            }
            copy.set("wires", sorted);
        }
        JsonNode links = copy.get("links");
        if (links != null && links.isArray()) {
            copy.set("links", sortedTexts(links));
        }
        if ("subflow".equals(copy.path("type").asText())) {
            for (String ports : List.of("in", "out", "status")) {
                stripPositions(copy.get(ports));
            }
        }
        return copy;
    }

    private static void stripPositions(JsonNode ports) {
        if (ports == null) {
            return;
        }
        Iterator<JsonNode> it = ports.isArray() ? ports.elements() : List.of(ports).iterator();
        while (it.hasNext()) {
            JsonNode port = it.next();
            if (port.isObject()) {
                ((ObjectNode) port).remove(List.of("x", "y"));
            }
        }
    }

    private static ArrayNode sortedTexts(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        items.sort((p, q) -> p.toString().compareTo(q.toString()));
        ArrayNode sorted = JsonNodeFactory.instance.arrayNode();
        items.forEach(sorted::add);
        return sorted;
    }

    // ---------------------------------------------------------------- endpoints and hosts

    private static Endpoints endpoints(Side before, Side after) {
        Map<String, Endpoint> liveById = endpointsById(before);
        Map<String, Endpoint> newById = endpointsById(after);
        Set<String> liveKeys = new LinkedHashSet<>();
        liveById.values().forEach(e -> liveKeys.add(e.key()));
        Set<String> newKeys = new LinkedHashSet<>();
        newById.values().forEach(e -> newKeys.add(e.key()));
        List<Endpoint> added = new ArrayList<>();
        List<EndpointChange> changed = new ArrayList<>();
        for (Endpoint e : newById.values()) {
            Endpoint old = liveById.get(e.node().id());
            if (old != null && !old.key().equals(e.key())) {
                changed.add(new EndpointChange(old, e));
            } else if (old == null && !liveKeys.contains(e.key())) {
                added.add(e);
            }
        }
        List<Endpoint> removed = new ArrayList<>();
        for (Endpoint e : liveById.values()) {
            if (!newById.containsKey(e.node().id()) && !newKeys.contains(e.key())) {
                removed.add(e);
            }
        }
        return new Endpoints(added, removed, changed);
    }

    private static Map<String, Endpoint> endpointsById(Side side) {
        Map<String, Endpoint> endpoints = new LinkedHashMap<>();
        for (JsonNode n : side.nodes.values()) {
            if ("http in".equals(n.path("type").asText())) {
                endpoints.put(id(n), new Endpoint(n.path("method").asText("get").toUpperCase(), n.path("url").asText(""),
                        side.ref(n)));
            }
        }
        return endpoints;
    }

    private static Hosts hosts(Side before, Side after) {
        Set<String> liveHosts = literalHosts(before);
        Set<String> newHosts = literalHosts(after);
        List<HostUse> added = new ArrayList<>();
        List<HostUse> dynamic = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (JsonNode n : after.nodes.values()) {
            for (HostUse use : after.hosts(n)) {
                if (use.host() == null) {
                    dynamic.add(use);
                } else if (!liveHosts.contains(use.host()) && seen.add(use.host())) {
                    added.add(use);
                }
            }
        }
        List<HostUse> removed = new ArrayList<>();
        seen.clear();
        for (JsonNode n : before.nodes.values()) {
            for (HostUse use : before.hosts(n)) {
                if (use.host() != null && !newHosts.contains(use.host()) && seen.add(use.host())) {
                    removed.add(use);
                }
            }
        }
        return new Hosts(added, removed, dynamic);
    }

    private static Set<String> literalHosts(Side side) {
        Set<String> hosts = new LinkedHashSet<>();
        for (JsonNode n : side.nodes.values()) {
            side.hosts(n).stream().map(HostUse::host).filter(Objects::nonNull).forEach(hosts::add);
        }
        return hosts;
    }

    // ---------------------------------------------------------------- helpers

    static String id(JsonNode n) {
        return n.path("id").asText();
    }

    private static String text(JsonNode n, String field, String otherwise) {
        JsonNode v = n.get(field);
        return v == null || !v.isTextual() || v.asText().isEmpty() ? otherwise : v.asText();
    }

    static JsonNode text(String s) {
        return TextNode.valueOf(s);
    }
}
