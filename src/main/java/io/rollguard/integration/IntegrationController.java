package io.rollguard.integration;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import com.fasterxml.jackson.databind.JsonNode;

import io.rollguard.app.App;
import io.rollguard.app.AppRepository;
import io.rollguard.refusal.Refusal;
import io.rollguard.refusal.Refusal.Violation;
import io.rollguard.security.CurrentUser;
import io.rollguard.security.Permissions;

/**
 * An app's integrations. Whoever may read the app's releases reads them (a requester needs the
 * settings and env names to write {@code integrations[]}); only admins change them, since the
 * allowed hosts are what stop a release from pointing the app anywhere. No secret value is in a
 * definition, so none is in any answer.
 */
@RestController
@RequestMapping("/api/apps/{key}/integrations")
class IntegrationController {

    static final int MAX_INTEGRATIONS = 20;

    private final AppRepository apps;
    private final IntegrationRegistry registry;
    private final Permissions permissions;

    IntegrationController(AppRepository apps, IntegrationRegistry registry, Permissions permissions) {
        this.apps = apps;
        this.registry = registry;
        this.permissions = permissions;
    }

    record IntegrationView(String name, String kind, Map<String, IntegrationDefinition.Setting> settings,
            IntegrationDefinition.Probe probe, Instant updatedAt, String updatedBy) {
        static IntegrationView of(IntegrationRegistry.StoredIntegration i) {
            return new IntegrationView(i.name(), i.definition().kind(), i.definition().settings(),
                    i.definition().probe(), i.updatedAt(), i.updatedBy());
        }
    }

    @GetMapping
    List<IntegrationView> list(@PathVariable String key) {
        requireReader(key);
        return registry.list(key).stream().map(IntegrationView::of).toList();
    }

    @GetMapping("/{name}")
    IntegrationView get(@PathVariable String key, @PathVariable String name) {
        requireReader(key);
        return registry.find(key, name).map(IntegrationView::of)
                .orElseThrow(() -> Refusal.notFound("Integration '" + DefinitionCheck.clip(name) + "' of app '" + key + "'"));
    }

    @PutMapping("/{name}")
    ResponseEntity<IntegrationView> put(@PathVariable String key, @PathVariable String name, @RequestBody JsonNode body) {
        CurrentUser user = requireAdmin(key);
        if (!DefinitionCheck.INTEGRATION_NAME.matcher(name).matches()) {
            throw Refusal.invalid("The integration name is invalid", List.of(new Violation("name",
                    "an integration name must match " + DefinitionCheck.INTEGRATION_NAME.pattern())));
        }
        Map<String, IntegrationDefinition> others = registry.definitions(key);
        boolean exists = others.remove(name) != null;
        if (!exists && others.size() >= MAX_INTEGRATIONS) {
            throw Refusal.conflict("App '" + key + "' has " + others.size() + " integrations, the most an app may have");
        }
        DefinitionCheck.Checked checked = DefinitionCheck.check(body, others);
        if (!checked.violations().isEmpty()) {
            throw Refusal.invalid("The integration definition is invalid", checked.violations());
        }
        boolean created = registry.save(key, name, checked.definition(), user.id());
        IntegrationView view = IntegrationView.of(registry.find(key, name).orElseThrow());
        return created ? ResponseEntity.status(201).body(view) : ResponseEntity.ok(view);
    }

    @DeleteMapping("/{name}")
    ResponseEntity<Void> delete(@PathVariable String key, @PathVariable String name) {
        requireAdmin(key);
        if (!registry.delete(key, name)) {
            throw Refusal.notFound("Integration '" + DefinitionCheck.clip(name) + "' of app '" + key + "'");
        }
        return ResponseEntity.noContent().build();
    }

    private void requireReader(String key) {
        App app = apps.find(key).orElseThrow(() -> Refusal.notFound("App '" + key + "'"));
        if (!permissions.canRead(CurrentUser.get(), app)) {
            throw Refusal.forbidden("You may not read the integrations of app '" + key + "'");
        }
    }

    private CurrentUser requireAdmin(String key) {
        CurrentUser user = CurrentUser.get();
        if (!permissions.canManageApps(user)) {
            throw Refusal.forbidden("Only admins may change the integrations of an app");
        }
        if (apps.find(key).isEmpty()) {
            throw Refusal.notFound("App '" + key + "'");
        }
        return user;
    }
}
