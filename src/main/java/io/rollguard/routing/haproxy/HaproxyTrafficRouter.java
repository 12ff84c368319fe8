package io.rollguard.routing.haproxy;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

import io.rollguard.app.App;
import io.rollguard.app.App.DataPlane;
import io.rollguard.app.SlotName;
import io.rollguard.routing.RouterAdapter;
import io.rollguard.routing.haproxy.RuntimeApi.HaproxyException;

/**
 * Canary weights on HAProxy 2.6 through its runtime API. HAProxy weights are relative (0–256)
 * between a backend's servers, so p % to canary is canary {@code p} and stable {@code 100 - p};
 * the weight read back is computed from both servers' current weights, never from our own record.
 * Tenants are pinned with the runtime map {@code <backend>-tenants.map} (tenant → slot) that the
 * backend's {@code use-server} rules consult (see stack/haproxy/start.sh).
 */
@Component
class HaproxyTrafficRouter implements RouterAdapter {

    private static final Pattern WEIGHT = Pattern.compile("^(\\d+) \\(initial \\d+\\)");
    private static final Pattern MAP_LINE = Pattern.compile("(?m)^\\d+ \\(([^)]+)\\)");

    private final DesiredRoutes desired;

    HaproxyTrafficRouter(DesiredRoutes desired) {
        this.desired = desired;
    }

    @Override
    public String type() {
        return DataPlane.HAPROXY;
    }

    /** Synchronized with {@link #reconcile}: the reconciler must never re-apply a weight older than this one. */
    @Override
    public synchronized void setCanaryWeight(App app, int percent) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("canary weight must be 0..100, was " + percent);
        }
        // recorded first: should HAProxy restart now, the reconciler re-applies what was meant
        desired.saveWeight(app.key(), percent);
        apply(app, percent);
        int actual = canaryWeight(app);
        if (actual != percent) {
            throw new HaproxyException("HAProxy at " + app.dataPlane().runtimeApi() + " routes " + actual
                    + " % to canary after setting " + percent + " %");
        }
    }

    @Override
    public synchronized void pinToCanary(App app, Set<String> tenants) {
        desired.savePinned(app.key(), tenants);
        applyPinned(app, tenants);
        Set<String> actual = pinnedToCanary(app);
        if (!actual.equals(tenants)) {
            throw new HaproxyException("HAProxy at " + app.dataPlane().runtimeApi() + " pins " + actual
                    + " to canary after pinning " + tenants);
        }
    }

    @Override
    public Set<String> pinnedToCanary(App app) {
        Set<String> pinned = new TreeSet<>();
        mapEntries(app).forEach((tenant, slot) -> {
            if (slot.equals(SlotName.CANARY.id())) {
                pinned.add(tenant);
            }
        });
        return pinned;
    }

    /** Runtime map changes are not written to the map file: HAProxy restarted empties it, see {@link #reconcile}. */
    private void applyPinned(App app, Set<String> tenants) {
        String map = mapFile(app);
        Map<String, String> current = mapEntries(app);
        for (String tenant : tenants) {
            String slot = current.get(tenant);
            if (slot == null) {
                command(app, "add map " + map + " " + tenant + " canary");
            } else if (!slot.equals(SlotName.CANARY.id())) {
                command(app, "set map " + map + " " + tenant + " canary");
            }
        }
        for (String tenant : current.keySet()) {
            if (!tenants.contains(tenant)) {
                command(app, "del map " + map + " " + tenant);
            }
        }
    }

    /** Tenant → slot as HAProxy's runtime map holds it now. */
    Map<String, String> mapEntries(App app) {
        String answer = RuntimeApi.execute(app.dataPlane().runtimeApi(), "show map " + mapFile(app));
        Map<String, String> entries = new TreeMap<>();
        for (String line : answer.split("\n")) {
            String[] parts = line.strip().split("\\s+");
            if (parts.length == 3 && parts[0].startsWith("0x")) {
                entries.put(parts[1], parts[2]);
            }
        }
        return entries;
    }

    /** The map the backend's configuration loads for tenant pinning: {@code <backend>-tenants.map}. */
    private String mapFile(App app) {
        String answer = RuntimeApi.execute(app.dataPlane().runtimeApi(), "show map");
        String suffix = "/" + app.dataPlane().backend() + "-tenants.map";
        Matcher m = MAP_LINE.matcher(answer);
        while (m.find()) {
            if (m.group(1).endsWith(suffix) || m.group(1).equals(suffix.substring(1))) {
                return m.group(1);
            }
        }
        throw new HaproxyException("HAProxy at " + app.dataPlane().runtimeApi() + " loads no map " + suffix.substring(1)
                + " for tenant pinning (see stack/haproxy/start.sh); it has: " + answer);
    }

    private void command(App app, String command) {
        String answer = RuntimeApi.execute(app.dataPlane().runtimeApi(), command);
        if (!answer.isEmpty()) {
            throw new HaproxyException("HAProxy at " + app.dataPlane().runtimeApi() + " refused '" + command + "': "
                    + answer);
        }
    }

    /**
     * Re-applies the weight Rollguard last set when HAProxy applies another one (it forgets
     * runtime weights when it restarts). Returns whether it had to.
     */
    synchronized boolean reconcile(App app) {
        boolean changed = false;
        Integer wanted = desired.weight(app.key()).orElse(null);
        if (wanted != null && (weight(app, SlotName.CANARY) != wanted || weight(app, SlotName.STABLE) != 100 - wanted)) {
            apply(app, wanted);
            changed = true;
        }
        Set<String> pinned = desired.pinned(app.key());
        if (!pinned.equals(pinnedToCanary(app))) {
            applyPinned(app, pinned);
            changed = true;
        }
        return changed;
    }

    /** Canary first: when traffic goes back to stable, the canary stops taking it at once. */
    void apply(App app, int percent) {
        set(app, SlotName.CANARY, percent);
        set(app, SlotName.STABLE, 100 - percent);
    }

    @Override
    public int canaryWeight(App app) {
        int canary = weight(app, SlotName.CANARY);
        int stable = weight(app, SlotName.STABLE);
        if (canary + stable == 0) {
            throw new HaproxyException("HAProxy backend " + app.dataPlane().backend() + " has weight 0 on both "
                    + "servers: it routes no traffic at all");
        }
        return (int) Math.round(100.0 * canary / (canary + stable));
    }

    /** The weight HAProxy applies now to one slot's server. */
    int weight(App app, SlotName slot) {
        String answer = RuntimeApi.execute(app.dataPlane().runtimeApi(), "get weight " + server(app, slot));
        Matcher m = WEIGHT.matcher(answer);
        if (!m.find()) {
            throw new HaproxyException("HAProxy at " + app.dataPlane().runtimeApi() + " answered 'get weight "
                    + server(app, slot) + "' with: " + answer);
        }
        return Integer.parseInt(m.group(1));
    }

    private void set(App app, SlotName slot, int weight) {
        command(app, "set weight " + server(app, slot) + " " + weight);
    }

    private static String server(App app, SlotName slot) {
        return app.dataPlane().backend() + "/" + slot.id();
    }
}
