package io.rollguard.release.descriptor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.rollguard.release.descriptor.DescriptorParser.Result;
import io.rollguard.refusal.Refusal.Violation;

/** {@code rollout.strategy: tenants}: each step pins one more wave of tenants to canary. */
class TenantWavesDescriptorTest {

    private static final String TEMPLATE = """
            app: expenses
            version: 1.1.0
            artifact:
              type: node-red-flows
              file: flows.json
            rollout:
              strategy: %s
              steps:
            %s
            analysis:
              metrics:
                - name: error-rate
                  query: error-ratio
                  failIf:
                    above: 0.05
            """;

    private final DescriptorParser parser = new DescriptorParser();

    private static String descriptor(String strategy, String steps) {
        return TEMPLATE.formatted(strategy, steps.indent(4).stripTrailing());
    }

    @Test
    void wavesAreReadAndPinnedCumulatively() {
        Result result = parser.parse(descriptor("tenants", """
                    - tenants: [acme]
                      pause: 8s
                    - tenants: [globex, initech]
                      pause: 8s"""));

        assertThat(result.violations()).isEmpty();
        ReleaseDescriptor.Rollout rollout = result.descriptor().rollout();
        assertThat(rollout.byTenants()).isTrue();
        assertThat(rollout.steps().get(1).tenants()).containsExactly("globex", "initech");
        assertThat(rollout.steps().get(1).weight()).isZero();
        assertThat(rollout.tenantsPinnedAt(0)).containsExactly("acme");
        assertThat(rollout.tenantsPinnedAt(1)).containsExactly("acme", "globex", "initech");
    }

    @Test
    void aTenantStepWithoutItsWaveIsRefusedAtItsPath() {
        Result result = parser.parse(descriptor("tenants", """
                    - pause: 8s"""));

        assertThat(result.violations()).extracting(Violation::path).containsExactly("/rollout/steps/0/tenants");
    }

    @Test
    void weightsAndTenantsDoNotMix() {
        Result tenantsWithWeight = parser.parse(descriptor("tenants", """
                    - tenants: [acme]
                      weight: 20
                      pause: 8s"""));
        Result canaryWithTenants = parser.parse(descriptor("canary", """
                    - tenants: [acme]
                      weight: 20
                      pause: 8s"""));

        assertThat(tenantsWithWeight.violations()).extracting(Violation::path).containsExactly("/rollout/steps/0/weight");
        assertThat(canaryWithTenants.violations()).extracting(Violation::path).containsExactly("/rollout/steps/0/tenants");
    }

    @Test
    void tenantNamesAreCheckedSoTheyAreSafeForEveryRouter() {
        Result result = parser.parse(descriptor("tenants", """
                    - tenants: ["acme corp"]
                      pause: 8s"""));

        assertThat(result.violations()).extracting(Violation::path).containsExactly("/rollout/steps/0/tenants/0");
    }
}
