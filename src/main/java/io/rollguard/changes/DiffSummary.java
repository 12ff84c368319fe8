package io.rollguard.changes;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import io.rollguard.changes.FlowDiff.Container;
import io.rollguard.changes.FlowDiff.HostUse;

/** The diff in a few lines for the approval form (the whole diff is on the changes page and API). */
final class DiffSummary {

    private DiffSummary() {
    }

    static String of(FlowDiff.Result diff, LiveFlows.Live live) {
        List<String> lines = new ArrayList<>();
        String against = switch (live.source()) {
            case "unavailable" -> "Flows compared with nothing live: " + live.note();
            case "snapshot" -> "Flows compared with the stable slot before this release (" + abbreviated(live.hash()) + ")";
            default -> "Flows compared with the stable slot (" + abbreviated(live.hash()) + ")";
        };
        lines.add(against + ": " + diff.liveNodes() + " -> " + diff.newNodes() + " entries");
        if (diff.isEmpty()) {
            lines.add("No node changes");
        }
        for (Container c : diff.containers()) {
            lines.add(c.kind() + " '" + c.label() + "'" + (c.status().equals("changed") ? "" : " (" + c.status() + ")")
                    + ": " + c.added().size() + " added, " + c.changed().size() + " changed, " + c.removed().size()
                    + " removed" + (c.properties().isEmpty() ? "" : "; its own " + c.properties().stream()
                            .map(FlowDiff.PropertyChange::name).collect(Collectors.joining(", ")) + " changed"));
        }
        FlowDiff.NodeChanges config = diff.configNodes();
        if (!config.isEmpty()) {
            lines.add("config nodes: " + config.added().size() + " added, " + config.changed().size() + " changed, "
                    + config.removed().size() + " removed");
        }
        FlowDiff.Endpoints e = diff.endpoints();
        if (!e.isEmpty()) {
            List<String> parts = new ArrayList<>();
            e.added().forEach(x -> parts.add("+ " + x.key()));
            e.removed().forEach(x -> parts.add("- " + x.key()));
            e.changed().forEach(x -> parts.add(x.before().key() + " -> " + x.after().key()));
            lines.add("HTTP endpoints: " + listed(parts));
        }
        FlowDiff.Hosts h = diff.hosts();
        if (!h.added().isEmpty() || !h.removed().isEmpty()) {
            List<String> parts = new ArrayList<>();
            h.added().forEach(x -> parts.add("+ " + x.host()));
            h.removed().forEach(x -> parts.add("- " + x.host()));
            lines.add("Outgoing hosts: " + listed(parts));
        }
        if (!h.dynamic().isEmpty()) {
            lines.add("Targets set at run time: " + listed(h.dynamic().stream().map(HostUse::node)
                    .map(FlowDiff.NodeRef::describe).distinct().toList()));
        }
        return String.join("\n", lines);
    }

    /** Every one: the lifecycle clips the whole summary to what a process variable holds. */
    private static String listed(List<String> parts) {
        return String.join(", ", parts);
    }

    private static String abbreviated(String hash) {
        return hash == null ? "?" : hash.substring(0, Math.min(12, hash.length()));
    }
}
