package io.rollguard.migration;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a schema looks like and holds: per table its columns, indexes and constraints, and its row
 * count and an order-independent checksum over every row (columns taken in name order, so a
 * column dropped and re-added at the end still gives the same checksum for the same values).
 */
public record Fingerprint(SortedMap<String, SortedSet<String>> structure, SortedMap<String, TableData> data) {

    public record TableData(long rows, String checksum) {
    }

    public Fingerprint {
        structure = new TreeMap<>(structure);
        structure.replaceAll((k, v) -> new TreeSet<>(v));
        data = new TreeMap<>(data);
    }

    /** Every way {@code now} differs from this fingerprint, named so that a person can act on it. */
    public List<String> differencesTo(Fingerprint now) {
        return differencesTo(now, true);
    }

    /** As above, leaving out row counts and contents when {@code compareData} is false. */
    public List<String> differencesTo(Fingerprint now, boolean compareData) {
        List<String> differences = new ArrayList<>();
        TreeSet<String> tables = new TreeSet<>(structure.keySet());
        tables.addAll(now.structure.keySet());
        for (String table : tables) {
            SortedSet<String> before = structure.get(table);
            SortedSet<String> after = now.structure.get(table);
            if (before == null) {
                differences.add("table " + table + " exists but did not before");
                continue;
            }
            if (after == null) {
                differences.add("table " + table + " is missing");
                continue;
            }
            for (String item : before) {
                if (!after.contains(item)) {
                    differences.add("table " + table + ": " + item + " is missing");
                }
            }
            for (String item : after) {
                if (!before.contains(item)) {
                    differences.add("table " + table + ": " + item + " is new");
                }
            }
            TableData d0 = data.get(table);
            TableData d1 = now.data.get(table);
            if (compareData && d0 != null && d1 != null) {
                if (d0.rows() != d1.rows()) {
                    differences.add("table " + table + ": " + d1.rows() + " rows, were " + d0.rows());
                } else if (!Objects.equals(d0.checksum(), d1.checksum())) {
                    differences.add("table " + table + ": row contents differ (checksum " + abbreviate(d1.checksum())
                            + ", was " + abbreviate(d0.checksum()) + ")");
                }
            }
        }
        return differences;
    }

    public long totalRows() {
        return data.values().stream().mapToLong(TableData::rows).sum();
    }

    public static Fingerprint of(Map<String, ? extends java.util.Collection<String>> structure, Map<String, TableData> data) {
        SortedMap<String, SortedSet<String>> s = new TreeMap<>();
        structure.forEach((k, v) -> s.put(k, new TreeSet<>(v)));
        return new Fingerprint(s, new TreeMap<>(data));
    }

    private static String abbreviate(String checksum) {
        return checksum == null ? "none" : checksum.substring(0, Math.min(12, checksum.length()));
    }
}
