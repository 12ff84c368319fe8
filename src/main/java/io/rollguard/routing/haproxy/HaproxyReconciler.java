package io.rollguard.routing.haproxy;

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
    private final HaproxyTrafficRouter router;

    HaproxyReconciler(AppRepository apps, HaproxyTrafficRouter router) {
        this.apps = apps;
        this.router = router;
    }

    @Scheduled(fixedDelayString = "${rollguard.haproxy.reconcile-interval:PT1S}")
    void reconcile() {
        for (App app : apps.findAll()) {
            if (!DataPlane.HAPROXY.equals(app.dataPlane().router())) {
                continue;
            }
            try {
                if (router.reconcile(app)) {
                    log.warn("HAProxy {} did not route {} as Rollguard set it (restarted?): weights re-applied",
                            app.dataPlane().runtimeApi(), app.key());
                }
            } catch (RuntimeException e) {
                // HAProxy down or restarting: the next round tries again; the rollout's own calls fail loudly
                log.debug("HAProxy for {} not reconciled: {}", app.key(), e.getMessage());
            }
        }
    }
}
