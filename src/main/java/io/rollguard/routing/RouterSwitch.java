package io.rollguard.routing;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.context.annotation.Primary;
import org.springframework.stereotype.Component;

import io.rollguard.app.App;

/**
 * The router the process talks to: it hands every call to the adapter the app is registered
 * with, so the same descriptor and BPMN run on the built-in router or on HAProxy.
 */
@Primary
@Component
class RouterSwitch implements TrafficRouter {

    private final Map<String, RouterAdapter> adapters;

    RouterSwitch(List<RouterAdapter> adapters) {
        this.adapters = adapters.stream().collect(Collectors.toMap(RouterAdapter::type, Function.identity()));
    }

    @Override
    public void setCanaryWeight(App app, int percent) {
        adapter(app).setCanaryWeight(app, percent);
    }

    @Override
    public int canaryWeight(App app) {
        return adapter(app).canaryWeight(app);
    }

    @Override
    public void pinToCanary(App app, Set<String> tenants) {
        adapter(app).pinToCanary(app, tenants);
    }

    @Override
    public Set<String> pinnedToCanary(App app) {
        return adapter(app).pinnedToCanary(app);
    }

    private TrafficRouter adapter(App app) {
        RouterAdapter adapter = adapters.get(app.dataPlane().router());
        if (adapter == null) {
            throw new IllegalStateException("app " + app.key() + " is registered with router '"
                    + app.dataPlane().router() + "', which this Rollguard does not have (" + adapters.keySet() + ")");
        }
        return adapter;
    }
}
