package io.rollguard.integration;

import java.net.URI;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.rollguard.app.AppRepository;

/**
 * On the embedded default the sample app's rates integration is registered once the sample app
 * is (after {@code app.SampleAppRegistration}, which runs earlier): once, so an admin's later
 * changes are kept, and its API key secret only while it has no version yet.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE)
class SampleIntegrationRegistration implements ApplicationRunner {

    static final String INTEGRATION = "rates";
    static final String SECRET = "rates-api-key";
    private static final Logger log = LoggerFactory.getLogger(SampleIntegrationRegistration.class);
    private static final String SYSTEM = "rollguard";

    private final AppRepository apps;
    private final IntegrationRegistry registry;
    private final boolean enabled;
    private final String appKey;
    private final String url;
    private final String apiKey;

    SampleIntegrationRegistration(AppRepository apps, IntegrationRegistry registry,
            @Value("${rollguard.sample-app.enabled:false}") boolean enabled,
            @Value("${rollguard.sample-app.key:}") String appKey,
            @Value("${rollguard.sample-app.rates.url:}") String url,
            @Value("${rollguard.sample-app.rates.api-key:}") String apiKey) {
        this.apps = apps;
        this.registry = registry;
        this.enabled = enabled;
        this.appKey = appKey;
        this.url = url;
        this.apiKey = apiKey;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!enabled || url.isBlank() || appKey.isBlank() || apps.find(appKey).isEmpty()) {
            return;
        }
        if (!apiKey.isBlank() && registry.latestSecret(appKey, SECRET).isEmpty()) {
            registry.addSecretVersion(appKey, SECRET, apiKey, SYSTEM);
            log.info("Added secret {} of sample app {}", SECRET, appKey);
        }
        if (registry.find(appKey, INTEGRATION).isPresent()) {
            return;
        }
        Map<String, IntegrationDefinition> others = registry.definitions(appKey);
        DefinitionCheck.Checked checked = DefinitionCheck.check(definition(url), others);
        if (!checked.violations().isEmpty()) {
            throw new IllegalStateException("rollguard.sample-app.rates.url does not make a valid rates integration: "
                    + checked.violations());
        }
        registry.save(appKey, INTEGRATION, checked.definition(), SYSTEM);
        log.info("Registered integration {} of sample app {} ({})", INTEGRATION, appKey, url);
    }

    /** The rates service's definition with the configured URL as default and its host:port as the one allowed. */
    static JsonNode definition(String url) {
        String hostPort = SettingValues.hostPort(URI.create(url));
        ObjectMapper json = new ObjectMapper();
        var body = json.createObjectNode().put("kind", IntegrationDefinition.HTTP);
        var settings = body.putObject("settings");
        var baseUrl = settings.putObject("baseUrl").put("type", "url").put("env", "RATES_BASE_URL");
        baseUrl.putArray("hosts").add(hostPort);
        baseUrl.put("default", url);
        settings.putObject("timeoutMs").put("type", "integer").put("env", "RATES_TIMEOUT_MS").put("min", 100)
                .put("max", 30000).put("default", 2000);
        settings.putObject("apiVersion").put("type", "string").put("env", "RATES_API_VERSION")
                .put("pattern", "^[0-9]{1,3}$").put("default", "1");
        settings.putObject("apiKey").put("type", "secret").put("env", "RATES_API_KEY").put("defaultRef", SECRET);
        var probe = body.putObject("probe").put("url", "baseUrl").put("method", "GET").put("path", "/health");
        probe.putObject("headers").put("X-Api-Key", "${apiKey}");
        probe.put("expectStatus", 200);
        probe.putArray("expect").addObject().put("pointer", "/status").put("equals", "UP");
        return body;
    }
}
