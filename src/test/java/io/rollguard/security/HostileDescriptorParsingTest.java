package io.rollguard.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollguard.release.descriptor.DescriptorParser;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The descriptor parser on its own, fast: whatever a mutated sample descriptor holds, parsing
 * ends in a descriptor or in violations that say where, never in an exception (which the API
 * would answer with a 500). The HTTP side of the same inputs is {@link HostileInputPropertiesIT}.
 */
class HostileDescriptorParsingTest {

    private final DescriptorParser parser = new DescriptorParser();

    @Provide
    Arbitrary<HostileDescriptors.Hostile> hostile() {
        return HostileDescriptors.hostile();
    }

    /** Whatever a requester writes as a journey path, what is accepted stays a path on the slot. */
    @Property(tries = 300)
    void anAcceptedJourneyPathStaysAPathOnTheSlot(@ForAll("journeyPaths") String path) {
        String descriptor = io.rollguard.support.ExpensesUntilApproval.descriptor()
                + "journeys:\n  - name: j\n    steps:\n      - path: '" + path.replace("'", "''") + "'\n";

        DescriptorParser.Result result = parser.parse(descriptor);

        if (result.isValid()) {
            String accepted = result.descriptor().journeys().get(0).steps().get(0).path();
            assertThat(accepted).startsWith("/").doesNotStartWith("//").doesNotContain("..", "@", ":", "\\", "#", " ");
            assertThat(accepted.toLowerCase()).doesNotContain("%2e%2e", "%2e.", ".%2e");
        }
    }

    @Provide
    Arbitrary<String> journeyPaths() {
        return net.jqwik.api.Arbitraries.strings().withChars("/.%2eE:@\\#?&=${}abc ").ofMaxLength(30)
                .map(s -> s.startsWith("/") ? s : "/" + s);
    }

    @Property(tries = 300)
    void aHostileDescriptorIsParsedOrRefusedWithViolationsNeverAnException(@ForAll("hostile") HostileDescriptors.Hostile d) {
        DescriptorParser.Result result = parser.parse(d.descriptor());

        if (result.isValid()) {
            assertThat(result.descriptor()).isNotNull();
            assertThat(result.descriptor().version()).hasSizeLessThanOrEqualTo(64);
        } else {
            assertThat(result.violations()).allSatisfy(v -> {
                assertThat(v.path()).startsWith("/");
                assertThat(v.message()).isNotBlank();
            });
        }
    }
}
