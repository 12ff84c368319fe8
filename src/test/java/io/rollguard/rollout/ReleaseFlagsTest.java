package io.rollguard.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.rollguard.flags.FlagChanges;
import io.rollguard.flags.FlagState;
import io.rollguard.release.descriptor.DescriptorParser;
import io.rollguard.release.descriptor.ReleaseDescriptor;

class ReleaseFlagsTest {

    static final String BASE = """
            app: expenses
            version: 1.1.0
            artifact: { type: node-red-flows, file: flows.json }
            rollout:
              steps:
                - { weight: 20, pause: 8s }
                - { weight: 50, pause: 8s }
            analysis:
              metrics:
                - { name: error-rate, source: builtin, query: error-ratio, failIf: { above: 0.05 } }
            """;

    static ReleaseDescriptor parse(String flags) {
        DescriptorParser.Result result = new DescriptorParser().parse(BASE + flags);
        assertThat(result.violations()).isEmpty();
        return result.descriptor();
    }

    @Test
    void eachFlagBecomesItsDefinitionAndOneStatePerStep() {
        List<FlagChanges.ReleaseFlag> flags = ReleaseFlags.toChanges(parse("""
                flags:
                  - key: expenses-list-style
                    variants: { classic: "classic", compact: "compact" }
                    defaultVariant: classic
                    newVariant: compact
                    steps: [ { tenants: [acme] }, { tenants: [acme], percentage: 50 } ]
                """));

        FlagChanges.ReleaseFlag flag = flags.get(0);
        assertThat(flag.definition().key()).isEqualTo("expenses-list-style");
        assertThat(flag.definition().variants().keySet()).containsExactly("classic", "compact");
        assertThat(flag.definition().defaultVariant()).isEqualTo("classic");
        assertThat(flag.definition().newVariant()).isEqualTo("compact");
        assertThat(flag.steps()).containsExactly(new FlagState(true, 0, List.of("acme")),
                new FlagState(true, 50, List.of("acme")));
    }

    @Test
    void booleanFlagKeepsTheVariantItExposesEvenWhenThatIsOff() {
        FlagChanges.ReleaseFlag flag = ReleaseFlags.toChanges(parse("""
                flags:
                  - key: legacy-export
                    defaultVariant: "on"
                    newVariant: "off"
                    steps: [ { percentage: 10 }, { enabled: false } ]
                """)).get(0);

        assertThat(flag.definition().variants().keySet()).containsExactly("off", "on");
        assertThat(flag.definition().defaultVariant()).isEqualTo("on");
        assertThat(flag.definition().newVariant()).isEqualTo("off");
        // a step switched off keeps its percentage: turning it on again restores that exposure
        assertThat(flag.steps()).containsExactly(new FlagState(true, 10, List.of()), new FlagState(false, 100, List.of()));
    }
}
