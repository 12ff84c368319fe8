package io.rollguard.integration;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import io.rollguard.platform.SlotEnvironment;
import io.rollguard.refusal.Refusal.Violation;

/**
 * The integration feature's answers for the features above it: an app's registered integrations
 * (name, kind, settings schema, probe) decide which of a release's {@code integrations[]} changes
 * are valid, which slot environment entries Rollguard manages, and what a canary runs with.
 * Secrets are named by reference ({@code {secretRef: rates-api-key}} in a descriptor,
 * {@code rates-api-key@2} in a slot); only {@link #effective} and {@link #withSecretValues} ever
 * hold a value, on its way into a slot.
 */
public interface IntegrationSettings {

    /** A release's change to one integration: one entry of the descriptor's {@code integrations[]}. */
    record SettingsChange(String name, JsonNode settings) {
    }

    /** What the approvers read about one setting a release changes; secrets as references only. */
    record SettingChange(String integration, String setting, String env, String live, String release,
            boolean secret) {
    }

    /** One integration's probe: the request as a report may show it (never a secret) and what was wrong. */
    record ProbeOutcome(String integration, String request, List<String> problems) {
        public boolean passed() {
            return problems.isEmpty();
        }
    }

    /**
     * What is refused about a descriptor's {@code integrations[]} for this app, by path
     * ({@code /integrations/0/settings/baseUrl}); no violation repeats a value, so a secret typed in
     * place of a {@code {secretRef: name}} never appears in the refusal.
     */
    List<Violation> check(String appKey, List<SettingsChange> changes);

    /**
     * What is refused about the flows' own environment: an entry of their global-config node that an
     * integration manages (it changes only through {@code integrations[]}, with its approvers), by
     * path {@code /artifact/file}.
     */
    List<Violation> artifactRefusals(String appKey, JsonNode flows);

    /**
     * The environment a canary runs with the release: {@code base} (what the stable slot runs, read
     * back) with every registered setting it lacks at its default and the release's changes on top;
     * a secret the release names (or a default's {@code defaultRef}) at its latest version, secret
     * values resolved. Fails naming what is no longer registered.
     */
    SlotEnvironment effective(String appKey, SlotEnvironment base, List<SettingsChange> changes);

    /** An environment read back or kept in a snapshot, its secret references resolved to their values; fails naming a reference it cannot resolve. */
    SlotEnvironment withSecretValues(String appKey, SlotEnvironment environment);

    /** Per setting the release changes: what {@code live} runs and what the release sets. */
    List<SettingChange> describe(String appKey, SlotEnvironment live, List<SettingsChange> changes);

    /**
     * The text with every value of every version of the app's secrets blanked out, also as JSON
     * escapes it: for what a canary answered (a report quotes answers, and the canary's flows hold
     * the secrets). A secret the flows transform (encode, split) cannot be recognised; only the
     * approval of the flows guards that.
     */
    String redacted(String appKey, String text);

    /** Each named integration's probe, with the settings the canary read back (secret values resolved). */
    List<ProbeOutcome> probe(String appKey, SlotEnvironment canary, List<String> integrations);
}
