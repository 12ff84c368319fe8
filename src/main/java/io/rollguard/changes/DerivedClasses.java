package io.rollguard.changes;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.rollguard.changes.FlowDiff.NodeChange;
import io.rollguard.changes.FlowDiff.NodeRef;
import io.rollguard.release.descriptor.ChangeClass;

/**
 * The change classes a diff gives evidence for, whatever the descriptor declares. An added or
 * changed node that talks to the outside (a network or broker node, a database node or its config
 * node, any node naming a literal host) is evidence of an integration change. A changed node counts
 * unless only its name or its documentation ({@code info}) changed: renaming an HTTP request is no
 * new integration. Removed nodes are no evidence (nothing new is reached). DDL is not a class here:
 * it is refused at submission ({@link FlowDdl}).
 */
final class DerivedClasses {

    /** Node types that reach another system. */
    static final Set<String> NETWORK_TYPES = Set.of("http request", "mqtt in", "mqtt out", "mqtt-broker", "tcp in",
            "tcp out", "tcp request", "udp in", "udp out", "websocket in", "websocket out", "websocket-listener",
            "websocket-client", "e-mail", "e-mail in");
    /** Parts of type names of database and broker nodes and their config nodes. */
    static final List<String> CLIENT_WORDS = List.of("postgres", "mysql", "mssql", "sqlite", "mongodb", "redis",
            "amqp", "kafka", "rabbitmq", "oracle", "mariadb", "influx", "nats");
    private static final Set<String> DOCUMENTATION = Set.of("name", "info");

    /** Why one class applies: the node, and what it does, e.g. "adds http request to api.rates.example". */
    record Evidence(ChangeClass changeClass, NodeRef node, String reason) {
        /** {@code integration: adds http request to api.rates.example (node 'Get rates' on 'Expenses')}. */
        String describe() {
            return changeClass.id() + ": " + reason + " (" + node.describe() + ")";
        }
    }

    private DerivedClasses() {
    }

    static List<Evidence> of(FlowDiff.Result diff) {
        List<Evidence> evidence = new ArrayList<>();
        for (NodeChange added : diff.addedNodes()) {
            if (talksToTheOutside(added.node())) {
                evidence.add(new Evidence(ChangeClass.INTEGRATION, added.node(), "adds " + what(added.node())));
            }
        }
        for (NodeChange changed : diff.changedNodes()) {
            Set<String> names = changed.propertyNames();
            if (talksToTheOutside(changed.node()) && !DOCUMENTATION.containsAll(names)) {
                evidence.add(new Evidence(ChangeClass.INTEGRATION, changed.node(),
                        "changes " + String.join(", ", names) + " of " + what(changed.node())));
            }
        }
        return evidence;
    }

    static Set<ChangeClass> classes(List<Evidence> evidence) {
        Set<ChangeClass> classes = EnumSet.noneOf(ChangeClass.class);
        evidence.forEach(e -> classes.add(e.changeClass()));
        return classes;
    }

    static boolean talksToTheOutside(NodeRef node) {
        String type = node.type().toLowerCase(Locale.ROOT);
        return NETWORK_TYPES.contains(type) || CLIENT_WORDS.stream().anyMatch(type::contains) || !node.hosts().isEmpty();
    }

    private static String what(NodeRef node) {
        return node.type() + (node.hosts().isEmpty() ? "" : " to " + String.join(", ", node.hosts()));
    }
}
