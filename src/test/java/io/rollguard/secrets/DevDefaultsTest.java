package io.rollguard.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class DevDefaultsTest {

    @Test
    void theSampleRatesApiKeyIsADevValueRefusedOutsideTheEmbeddedDefault() {
        assertThat(DevDefaults.knownDevSecrets()).containsEntry("rollguard.sample-app.rates.api-key",
                "rollguard-dev-rates-key-change-me");

        MockEnvironment env = new MockEnvironment()
                .withProperty("rollguard.sample-app.rates.api-key", "rollguard-dev-rates-key-change-me")
                .withProperty("rollguard.keycloak.enabled", "true");

        assertThat(DevDefaults.devValuesInPlace(env)).containsExactly("rollguard.sample-app.rates.api-key");
        assertThat(DevDefaults.devValuesInPlace(new MockEnvironment().withProperty("rollguard.keycloak.enabled", "true")
                .withProperty("rollguard.sample-app.rates.api-key", "a-real-key"))).isEmpty();
    }
}
