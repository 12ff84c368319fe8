package io.rollguard.migration;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import io.rollguard.app.AppDatabases;

/**
 * On the embedded default the sample app's database gets the schema its version 1.0.0 expects.
 * Liquibase records it in the app's DATABASECHANGELOG, so this is done once per database.
 */
@Component
class SampleAppBaseline {

    private static final Logger log = LoggerFactory.getLogger(SampleAppBaseline.class);

    private final MigrationEngine engine;
    private final AppDatabases databases;
    private final boolean enabled;
    private final String appKey;
    private final String baseline;

    SampleAppBaseline(MigrationEngine engine, AppDatabases databases,
            @Value("${rollguard.sample-app.enabled:false}") boolean enabled,
            @Value("${rollguard.sample-app.key:expenses}") String appKey,
            @Value("${rollguard.sample-app.database.baseline:}") String baseline) {
        this.engine = engine;
        this.databases = databases;
        this.enabled = enabled;
        this.appKey = appKey;
        this.baseline = baseline;
    }

    @EventListener(ApplicationReadyEvent.class)
    void applyBaseline() {
        if (!enabled || baseline.isBlank()) {
            return;
        }
        databases.find(appKey).ifPresent(db -> {
            try {
                Path file = Path.of(baseline);
                var run = engine.apply(db, new Changelog(file.getFileName().toString(), Files.readString(file)),
                        "rollguard-baseline");
                log.info("Sample app {}: baseline schema {}", appKey,
                        run.changeSets().isEmpty() ? "already in place" : "applied (" + run.changeSets() + ")");
            } catch (IOException | MigrationException e) {
                // Rollguard itself runs on; the sample app answers 500/503 until its database is there
                log.error("Sample app {}: cannot apply its baseline schema from {}: {}", appKey, baseline, e.getMessage());
            }
        });
    }
}
