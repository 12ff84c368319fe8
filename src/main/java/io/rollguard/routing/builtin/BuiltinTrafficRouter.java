package io.rollguard.routing.builtin;

import java.util.Set;

import org.springframework.stereotype.Component;

import io.rollguard.app.App;
import io.rollguard.app.App.DataPlane;
import io.rollguard.routing.RouterAdapter;

@Component
class BuiltinTrafficRouter implements RouterAdapter {

    private final RouteTable routes;

    BuiltinTrafficRouter(RouteTable routes) {
        this.routes = routes;
    }

    @Override
    public String type() {
        return DataPlane.BUILTIN_ROUTER;
    }

    @Override
    public void setCanaryWeight(App app, int percent) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("canary weight must be 0..100, was " + percent);
        }
        routes.setWeight(app.key(), percent);
    }

    @Override
    public int canaryWeight(App app) {
        return routes.storedWeight(app.key());
    }

    @Override
    public void pinToCanary(App app, Set<String> tenants) {
        routes.setPinned(app.key(), tenants);
    }

    @Override
    public Set<String> pinnedToCanary(App app) {
        return routes.storedPinned(app.key());
    }
}
