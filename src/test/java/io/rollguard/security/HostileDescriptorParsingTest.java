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
