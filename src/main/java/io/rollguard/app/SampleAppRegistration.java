package io.rollguard.app;

import java.util.LinkedHashSet;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * On the embedded default the sample app is registered at start-up (once: an admin's later
 * changes to it are kept). Its Node-RED slots are started by {@code ./rollguard start}.
 */
@Component
@EnableConfigurationProperties(SampleAppRegistration.SampleApp.class)
// before the runners without an order, which include the sample app's integrations (integration module)
@Order(Ordered.LOWEST_PRECEDENCE - 100)
class SampleAppRegistration implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(SampleAppRegistration.class);

    @ConfigurationProperties("rollguard.sample-app")
    record SampleApp(boolean enabled, String key, List<String> owners, String stableUrl, String canaryUrl,
            String stableAdminToken, String canaryAdminToken, String route, String currentVersion, Database database) {
    }

    /** The sample app's own database; its baseline schema is applied once Rollguard is up. */
    record Database(String url, String username, String password, String baseline) {
    }

    /**
     * The sample app's analysis floor: its error ratio measured and failing above 5 %, at least 5
     * samples per metric, at most 20 % of traffic in the first of at least two steps. Every
     * descriptor in examples/expenses meets it.
     */
    static final AnalysisFloor SAMPLE_FLOOR = new AnalysisFloor(
            List.of(new AnalysisFloor.RequiredMetric("error-ratio", null, 0.05, null)), 5, 20, 2);

    private final AppRepository apps;
    private final AppDatabases databases;
    private final SampleApp sample;

    SampleAppRegistration(AppRepository apps, AppDatabases databases, SampleApp sample) {
        this.apps = apps;
        this.databases = databases;
        this.sample = sample;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!sample.enabled()) {
            return;
        }
        registerApp();
        Database db = sample.database();
        if (db != null && db.url() != null && !db.url().isBlank() && databases.find(sample.key()).isEmpty()) {
            databases.save(new AppDatabase(sample.key(), db.url(), db.username(), db.password() == null ? "" : db.password()));
            log.info("Registered the database of sample app {} ({})", sample.key(), db.url());
        }
    }

    private void registerApp() {
        if (apps.find(sample.key()).isPresent()) {
            return;
        }
        App.AdminTokens tokens = new App.AdminTokens(sample.stableAdminToken(), sample.canaryAdminToken());
        if (!tokens.bothSet()) {
            throw new IllegalStateException("rollguard.sample-app.stable-admin-token and canary-admin-token must both be "
                    + "set; the embedded default reads them from stack/dev-defaults.yaml");
        }
        apps.save(new App(sample.key(), new LinkedHashSet<>(sample.owners()),
                new App.Slot(sample.stableUrl() + "/admin", sample.stableUrl() + "/app"),
                new App.Slot(sample.canaryUrl() + "/admin", sample.canaryUrl() + "/app"),
                tokens, sample.route(), sample.currentVersion()));
        apps.saveAnalysisFloor(sample.key(), SAMPLE_FLOOR);
        log.info("Registered sample app {} (stable {}, canary {})", sample.key(), sample.stableUrl(), sample.canaryUrl());
    }
}
