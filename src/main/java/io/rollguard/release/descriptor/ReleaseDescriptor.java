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
        Smoke smoke,
        List<Journey> journeys) {

    public ReleaseDescriptor {
        journeys = journeys == null ? List.of() : List.copyOf(journeys);
    }

    /** A descriptor without journeys. */
    public ReleaseDescriptor(String app, String version, String description, Artifact artifact, SchemaChange schema,
            List<Integration> integrations, List<Flag> flags, Rollout rollout, Analysis analysis, Smoke smoke) {
        this(app, version, description, artifact, schema, integrations, flags, rollout, analysis, smoke, List.of());
    }

    public record Artifact(String type, String file, String sha256) {
    }

    /** No new version: the release only raises the exposure of its flags, step by step. */
    public boolean flagOnly() {
        return artifact == null;
    }

    public record SchemaChange(String changelog) {
    }

    public record Integration(String name, JsonNode settings) {
    }

    /**
     * A flag the release sets: its variants (name to JSON value, in order; empty for a boolean flag
     * {@code off}/{@code on}), the variant served when it is off or a request is not targeted, the
     * variant the release exposes, and its exposure at each rollout step.
     */
    public record Flag(String key, java.util.Map<String, JsonNode> variants, String defaultVariant, String newVariant,
            List<FlagStep> steps) {

        public static final String BOOLEAN_OFF = "off";
        public static final String BOOLEAN_ON = "on";

        public Flag {
            variants = variants == null ? java.util.Map.of()
                    : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(variants));
            steps = steps == null ? List.of() : List.copyOf(steps);
        }

        /** A boolean flag switched on for everyone or off at each step ({@code states: [true, false]}). */
        public static Flag ofStates(String key, List<Boolean> states) {
            return new Flag(key, null, BOOLEAN_OFF, BOOLEAN_ON,
                    states.stream().map(on -> on ? FlagStep.EVERYONE : FlagStep.OFF).toList());
        }

        public boolean isBoolean() {
            return variants.isEmpty();
        }
    }

    /**
     * A flag's exposure at one step: off, or on for the listed tenants plus {@code percentage} of
     * everyone else (by a sticky hash of the targeting key).
     */
    public record FlagStep(boolean enabled, int percentage, List<String> tenants) {

        public static final FlagStep OFF = new FlagStep(false, 0, List.of());
        public static final FlagStep EVERYONE = new FlagStep(true, 100, List.of());

        public FlagStep {
            tenants = tenants == null ? List.of() : List.copyOf(tenants);
        }

        /** How the step reads for approvers: "off", "on for 10 %", "on for tenants a, b and 0 %". */
        public String describe() {
            if (!enabled) {
                return "off";
            }
            String share = percentage + " % of requests";
            return tenants.isEmpty() ? "on for " + share
                    : "on for tenants " + String.join(", ", tenants) + (percentage > 0 ? " and " + share : " only");
        }
    }

    public record Rollout(String strategy, List<Step> steps, OnFailure onFailure) {

        public static final String CANARY = "canary";
        public static final String TENANTS = "tenants";

        public boolean byTenants() {
            return TENANTS.equals(strategy);
        }

        /** Waves are cumulative: at a step, its wave and every earlier one are pinned to canary. */
        public java.util.Set<String> tenantsPinnedAt(int stepIndex) {
            java.util.Set<String> pinned = new java.util.TreeSet<>();
            for (int i = 0; i <= stepIndex && byTenants(); i++) {
                pinned.addAll(steps.get(i).tenants());
            }
            return pinned;
        }
    }

    /** A step by weight (strategy canary) or by a wave of tenants (strategy tenants; weight 0). */
    public record Step(int weight, Duration pause, List<String> tenants) {

        public Step(int weight, Duration pause) {
            this(weight, pause, List.of());
        }
    }

    public enum OnFailure { ROLLBACK, HOLD }

    public record Analysis(Duration interval, int minSamples, List<Metric> metrics) {
    }

    /**
     * One metric of the analysis. Each measurement within a step is judged by every comparison
     * given ({@code failIf}, {@code mannWhitney}); the limits follow Argo Rollouts: the metric
     * fails when more than {@code failureLimit} measurements failed, and errs (inconclusive) when
     * more than {@code consecutiveErrorLimit} measurements in a row could not be taken.
     */
    public record Metric(String name, String source, String query, FailIf failIf, MannWhitney mannWhitney,
            int minSamples, int failureLimit, int consecutiveErrorLimit) {

        public static final int DEFAULT_FAILURE_LIMIT = 0;
        public static final int DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4;

        /** A metric judged by thresholds only, with the default limits. */
        public Metric(String name, String source, String query, FailIf failIf, int minSamples) {
            this(name, source, query, failIf, null, minSamples, DEFAULT_FAILURE_LIMIT, DEFAULT_CONSECUTIVE_ERROR_LIMIT);
        }
    }

    /** Canary vs baseline samples: a significant rise by more than {@code tolerance} (metric unit) fails. */
    public record MannWhitney(double confidence, double tolerance) {
    }

    /** A metric fails when the canary value is above a limit, or above the baseline by more than a margin. */
    public record FailIf(Double above, Double aboveBaselineBy) {
    }

    public record Smoke(String path, int expectStatus) {
    }

    /** A named sequence of HTTP requests against the canary slot, run in preflight (never through the router). */
    public record Journey(String name, List<JourneyStep> steps) {
    }

    /**
     * One request of a journey. {@code path} and the strings of {@code body} may hold {@code ${name}}
     * for a value an earlier step captured ({@code capture}: name to JSON pointer into its answer).
     */
    public record JourneyStep(String method, String path, JsonNode body, java.util.Map<String, String> headers,
            int expectStatus, List<Expectation> expectations, java.util.Map<String, String> capture) {
    }

    /** A JSON pointer into the answer that must exist, or must equal a literal ({@code equals} not null). */
    public record Expectation(String pointer, JsonNode equals) {
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

    /** The descriptor's {@code integrations[]} as the integration feature takes them; empty when it has none. */
    public List<io.rollguard.integration.IntegrationSettings.SettingsChange> settingsChanges() {
        return integrations == null ? List.of() : integrations.stream()
                .map(i -> new io.rollguard.integration.IntegrationSettings.SettingsChange(i.name(), i.settings()))
                .toList();
    }

    /** The names of the integrations the descriptor changes, in its order. */
    public List<String> changedIntegrations() {
        return integrations == null ? List.of() : integrations.stream().map(Integration::name).toList();
    }

    /** How long a step exposes the canary before it is judged. */
    public Duration stepDuration(int stepIndex) {
        Duration pause = rollout.steps().get(stepIndex).pause();
        return pause != null ? pause : analysis.interval();
    }
}
