package io.rollguard.flags;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import io.rollguard.app.AppRepository;

/**
 * The embedded demo: the sample app gets its flag evaluation key from the dev defaults, the one
 * {@code ./rollguard start} gives its slots, so their flows evaluate flags at once. Runs after the
 * sample app is registered; a production profile refuses the dev key (secrets/DevDefaults).
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE)
class SampleFlagKeyRegistration implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(SampleFlagKeyRegistration.class);

    private final AppRepository apps;
    private final FlagKeys keys;
    private final boolean enabled;
    private final String appKey;
    private final String key;

    SampleFlagKeyRegistration(AppRepository apps, FlagKeys keys,
            @Value("${rollguard.sample-app.enabled:false}") boolean enabled,
            @Value("${rollguard.sample-app.key:}") String appKey,
            @Value("${rollguard.sample-app.flag-key:}") String key) {
        this.apps = apps;
        this.keys = keys;
        this.enabled = enabled;
        this.appKey = appKey;
        this.key = key;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!enabled || key.isBlank() || appKey.isBlank() || apps.find(appKey).isEmpty()) {
            return;
        }
        keys.ensure(appKey, key, "rollguard");
        log.info("Sample app {} evaluates its flags with the dev-default key (rollguard.sample-app.flag-key)", appKey);
    }
}
