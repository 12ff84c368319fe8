package io.rollguard.flags;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.stereotype.Component;

import io.rollguard.app.App;

/** The app's flag store, as its registration names it (as the router is chosen). */
@Component
class FlagStores {

    private final Map<String, FlagStore> byName;

    FlagStores(List<FlagStore> stores) {
        this.byName = stores.stream().collect(Collectors.toMap(FlagStore::name, Function.identity()));
    }

    FlagStore of(App app) {
        FlagStore store = byName.get(app.dataPlane().flagStore());
        if (store == null) {
            throw new FlagStoreException("app " + app.key() + " names flag store '" + app.dataPlane().flagStore()
                    + "', which this Rollguard does not have (it has " + byName.keySet() + ")");
        }
        return store;
    }
}
