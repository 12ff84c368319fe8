package io.rollguard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.rollguard.changes.FlowDiff;

/**
 * Benchmark harness, not a test: the semantic diff of a 2 000-node flow against a 2 000-node live
 * flow (10 tabs; functions with 20 lines of code, http in and http request nodes), where the new
 * one moves every node, edits the code of 100 functions, repoints 20 requests, adds 20 nodes and
 * removes 20. Time (best and median of the runs) and bytes allocated by the diffing thread.
 */
class FlowDiffBenchmark {

    static final ObjectMapper JSON = new ObjectMapper();
    static final int TABS = 10;
    static final int PER_TAB = 200;
    static final int RUNS = 30;

    @Test
    void diffOfTwoThousandNodes() throws Exception {
        String live = JSON.writeValueAsString(flows(false));
        String next = JSON.writeValueAsString(flows(true));
        FlowDiff.Result result = FlowDiff.between(live, next);
        for (int i = 0; i < 10; i++) {
            result = FlowDiff.between(live, next); // warm-up
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long[] millis = new long[RUNS];
        long[] bytes = new long[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long allocated = threads.getThreadAllocatedBytes(thread);
            long t = System.nanoTime();
            result = FlowDiff.between(live, next);
            millis[i] = (System.nanoTime() - t) / 1_000;
            bytes[i] = threads.getThreadAllocatedBytes(thread) - allocated;
        }
        Arrays.sort(millis);
        Arrays.sort(bytes);
        long json = JSON.writeValueAsBytes(result).length;
        System.out.printf("BENCH flow-diff 2000 vs 2000 nodes (%d KiB vs %d KiB of flows JSON): best %.1f ms, median %.1f ms "
                + "over %d runs; allocated %d MiB per diff (median); %d changed, %d added, %d removed nodes; "
                + "diff as JSON %d KiB%n", live.length() / 1024, next.length() / 1024, millis[0] / 1000.0,
                millis[RUNS / 2] / 1000.0, RUNS, bytes[RUNS / 2] / (1024 * 1024), result.changedNodes().size(),
                result.addedNodes().size(), result.containers().stream().mapToInt(c -> c.removed().size()).sum(),
                json / 1024);
        assertThat(result.changedNodes()).hasSize(120);
        assertThat(result.addedNodes()).hasSize(20);
        assertThat(result.hosts().added()).hasSize(21);
    }

    /** {@code changed}: the next version, as described above. */
    static ArrayNode flows(boolean changed) {
        ArrayNode flows = JSON.createArrayNode();
        int n = 0;
        for (int t = 0; t < TABS; t++) {
            String tab = "tab" + t;
            flows.addObject().put("id", tab).put("type", "tab").put("label", "Tab " + t);
            for (int i = 0; i < PER_TAB; i++, n++) {
                if (changed && n % 100 == 7) {
                    continue; // removed
                }
                ObjectNode node = flows.addObject().put("id", "n" + n).put("z", tab).put("name", "node " + n)
                        .put("x", 100 + i * (changed ? 3 : 2)).put("y", 40 * (i % 20));
                switch (i % 4) {
                    case 0 -> node.put("type", "http in").put("method", "get").put("url", "/t" + t + "/r" + i);
                    case 1, 2 -> node.put("type", "function").put("func", code(n, changed && n % 20 == 1))
                            .put("outputs", 1).put("initialize", "").put("finalize", "");
                    default -> node.put("type", "http request").put("method", "GET")
                            .put("url", "https://api" + (changed && n % 100 == 3 ? "-v2" : "") + ".svc" + n % 50
                                    + ".example/v1/items");
                }
                node.putArray("wires").addArray().add("n" + (n + 1));
            }
        }
        if (changed) {
            for (int i = 0; i < 20; i++) {
                flows.addObject().put("id", "added" + i).put("type", "http request").put("z", "tab" + i % TABS)
                        .put("url", "https://new" + i + ".example/api").putArray("wires").addArray();
            }
        }
        return flows;
    }

    static String code(int n, boolean edited) {
        StringBuilder code = new StringBuilder();
        for (int line = 0; line < 20; line++) {
            code.append("const v").append(line).append(" = msg.payload.items[").append(line).append("] || ")
                    .append(edited && line == 10 ? n + 1 : n).append(";\n");
        }
        return code.append("return msg;").toString();
    }
}
