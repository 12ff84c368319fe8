package io.rollguard.flags;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The router's copy of Unleash's flexibleRollout decision. */
class UnleashRolloutTest {

    static StoredFlag export(boolean enabled, int percentage, List<String> tenants) {
        return new StoredFlag(FlagDefinition.booleanFlag("new-export"), new FlagState(enabled, percentage, tenants));
    }

    @Test
    void normalizesAsUnleashClientDoes() {
        // unleash-client 6.12.1's normalizedStrategyValue(id, groupId), run under Node for these pairs
        assertThat(UnleashRollout.normalized("new-export", "u1")).isEqualTo(73);
        assertThat(UnleashRollout.normalized("new-export", "user-42")).isEqualTo(79);
        assertThat(UnleashRollout.normalized("total-style", "acme")).isEqualTo(65);
        assertThat(UnleashRollout.normalized("a.b_c-d", "Zürich")).isEqualTo(44);
        assertThat(UnleashRollout.normalized("x", "")).isEqualTo(86);
    }

    @Test
    void aUserIsExposedWhenTheirNormalizedValueIsWithinTheRollout() {
        assertThat(UnleashRollout.exposed(export(true, 73, List.of()), "u1", null)).isTrue();
        assertThat(UnleashRollout.exposed(export(true, 72, List.of()), "u1", null)).isFalse();
        assertThat(UnleashRollout.exposed(export(true, 100, List.of()), "u1", null)).isTrue();
    }

    @Test
    void offOrZeroOrWithoutAUserNobodyIsExposedButListedTenantsAre() {
        assertThat(UnleashRollout.exposed(export(false, 100, List.of("acme")), "u1", "acme")).isFalse();
        assertThat(UnleashRollout.exposed(export(true, 0, List.of()), "u1", null)).isFalse();
        assertThat(UnleashRollout.exposed(export(true, 100, List.of()), null, null)).isFalse();
        assertThat(UnleashRollout.exposed(export(true, 0, List.of("acme")), null, "acme")).isTrue();
        assertThat(UnleashRollout.exposed(null, "u1", null)).isFalse();
    }
}
