package io.rollguard.routing.haproxy;

import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import io.rollguard.app.App;
import io.rollguard.app.App.DataPlane;
import io.rollguard.app.AppRepository;

/**
 * HAProxy forgets runtime weights when it restarts and comes back with its configuration's
 * (all traffic on stable). Every few seconds this compares what HAProxy really does with what
 * Rollguard last set, and re-applies the difference, so a release in flight keeps its step.
 */
@Component
class HaproxyReconciler {

    private static final Logger log = LoggerFactory.getLogger(HaproxyReconciler.class);

    private final AppRepository apps;
    private final DesiredRoutes desired;
    private final HaproxyTrafficRouter router;

    HaproxyReconciler(AppRepository apps, DesiredRoutes desired, HaproxyTrafficRouter router) {
        this.apps = apps;
        this.desired = desired;
        this.router = router;
    }

    @Scheduled(fixedDelayString = "${rollguard.haproxy.reconcile-interval:PT1S}")
    void reconcile() {
        Map<String, Integer> weights = desired.weights();
        for (App app : apps.findAll()) {
            Integer wanted = weights.get(app.key());
            if (!DataPlane.HAPROXY.equals(app.dataPlane().router()) || wanted == null) {
                continue;
            }
            try {
                int canary = router.weight(app, io.rollguard.app.SlotName.CANARY);
                int stable = router.weight(app, io.rollguard.app.SlotName.STABLE);
                if (canary != wanted || stable != 100 - wanted) {
                    log.warn("HAProxy {} routes canary {} / stable {} for {}, Rollguard set {} %: re-applying",
                            app.dataPlane().runtimeApi(), canary, stable, app.key(), wanted);
                    router.apply(app, wanted);
                }
            } catch (RuntimeException e) {
                // HAProxy down or restarting: the next round tries again; the rollout's own calls fail loudly
                log.debug("HAProxy for {} not reconciled: {}", app.key(), e.getMessage());
            }
        }
    }
}
