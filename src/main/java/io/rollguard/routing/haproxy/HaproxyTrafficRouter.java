package io.rollguard.routing.haproxy;

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
 */
@Component
class HaproxyTrafficRouter implements RouterAdapter {

    private static final Pattern WEIGHT = Pattern.compile("^(\\d+) \\(initial \\d+\\)");

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

    /**
     * Re-applies the weight Rollguard last set when HAProxy applies another one (it forgets
     * runtime weights when it restarts). Returns whether it had to.
     */
    synchronized boolean reconcile(App app) {
        Integer wanted = desired.weight(app.key()).orElse(null);
        if (wanted == null) {
            return false;
        }
        if (weight(app, SlotName.CANARY) == wanted && weight(app, SlotName.STABLE) == 100 - wanted) {
            return false;
        }
        apply(app, wanted);
        return true;
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
        String command = "set weight " + server(app, slot) + " " + weight;
        String answer = RuntimeApi.execute(app.dataPlane().runtimeApi(), command);
        if (!answer.isEmpty()) {
            throw new HaproxyException("HAProxy at " + app.dataPlane().runtimeApi() + " refused '" + command + "': "
                    + answer);
        }
    }

    private static String server(App app, SlotName slot) {
        return app.dataPlane().backend() + "/" + slot.id();
    }
}
