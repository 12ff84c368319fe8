package io.rollguard.preflight;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

@ConfigurationProperties("rollguard.preflight")
record PreflightProperties(Duration smokeTimeout) {
    PreflightProperties {
        smokeTimeout = smokeTimeout == null ? Duration.ofSeconds(10) : smokeTimeout;
    }

    @Configuration
    @EnableConfigurationProperties(PreflightProperties.class)
    static class Config {
    }
}
