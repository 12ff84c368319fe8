package io.rollguard.flags;

import org.springframework.stereotype.Component;

/**
 * The router's cohort question answered from the built-in store's memory, by the same
 * {@link FlagEvaluator} that answers the app's OFREP requests. (An app on Unleash evaluates in its
 * own client, which the built-in router cannot see: every request of it counts as unexposed, the
 * exposed cohort has no samples and a flag-only analysis there is inconclusive, never a pass.)
 */
@Component
class BuiltinExposure implements FlagCohorts.Exposure {

    private final BuiltinFlagStore store;

    BuiltinExposure(BuiltinFlagStore store) {
        this.store = store;
    }

    @Override
    public boolean exposed(String appKey, String flagKey, String targetingKey, String tenant) {
        return FlagEvaluator.exposed(store.inMemory(appKey, flagKey).orElse(null), targetingKey, tenant);
    }
}
