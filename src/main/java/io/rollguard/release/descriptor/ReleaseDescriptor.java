package io.rollguard.release.descriptor;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/** A parsed, schema-valid release descriptor: the desired end state of one release. */
public record ReleaseDescriptor(
        String app,
        String version,
        String description,
        Artifact artifact,
        SchemaChange schema,
        List<Integration> integrations,
        List<Flag> flags,
        Rollout rollout,
        Analysis analysis,
        Smoke smoke) {

    public record Artifact(String type, String file, String sha256) {
    }

    public record SchemaChange(String changelog) {
    }

    public record Integration(String name, JsonNode settings) {
    }

    public record Flag(String key, List<Boolean> states) {
    }

    public record Rollout(String strategy, List<Step> steps, OnFailure onFailure) {
    }

    public record Step(int weight, Duration pause) {
    }

    public enum OnFailure { ROLLBACK, HOLD }

    public record Analysis(Duration interval, int minSamples, List<Metric> metrics) {
    }

    public record Metric(String name, String source, String query, FailIf failIf) {
    }

    /** A metric fails when the canary value is above a limit, or above the baseline by more than a margin. */
    public record FailIf(Double above, Double aboveBaselineBy) {
    }

    public record Smoke(String path, int expectStatus) {
    }

    /** The change class is derived from what the descriptor changes, never typed in by the requester. */
    public Set<ChangeClass> changeClasses() {
        Set<ChangeClass> classes = EnumSet.noneOf(ChangeClass.class);
        if (schema != null) {
            classes.add(ChangeClass.SCHEMA);
        }
        if (integrations != null && !integrations.isEmpty()) {
            classes.add(ChangeClass.INTEGRATION);
        }
        if (classes.isEmpty()) {
            classes.add(ChangeClass.ORDINARY);
        }
        return classes;
    }

    /** How long a step exposes the canary before it is judged. */
    public Duration stepDuration(int stepIndex) {
        Duration pause = rollout.steps().get(stepIndex).pause();
        return pause != null ? pause : analysis.interval();
    }
}
