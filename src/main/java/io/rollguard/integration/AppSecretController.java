package io.rollguard.integration;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.rollguard.app.AppRepository;
import io.rollguard.refusal.Refusal;
import io.rollguard.refusal.Refusal.Violation;
import io.rollguard.security.CurrentUser;
import io.rollguard.security.Permissions;

/**
 * The secrets an app's integration settings name by reference. Admins only. Values are
 * write-only: each PUT adds a version, and no answer (nor log line) ever holds a value.
 */
@RestController
@RequestMapping("/api/apps/{key}/secrets")
class AppSecretController {

    static final int MAX_VALUE = 4096;

    private final AppRepository apps;
    private final IntegrationRegistry registry;
    private final Permissions permissions;

    AppSecretController(AppRepository apps, IntegrationRegistry registry, Permissions permissions) {
        this.apps = apps;
        this.registry = registry;
        this.permissions = permissions;
    }

    record SecretBody(String value) {
        /** Secrets are tokens and keys that go into headers and environments: printable, bounded. */
        boolean valid() {
            return value != null && !value.isEmpty() && value.length() <= MAX_VALUE
                    && value.codePoints().allMatch(c -> !Character.isISOControl(c) && c != '\u2028' && c != '\u2029');
        }

        /** Whatever logs a request body never logs the value. */
        @Override
        public String toString() {
            return "SecretBody[value hidden]";
        }
    }

    record SecretView(String name, int version, Instant updatedAt, String updatedBy) {
        static SecretView of(IntegrationRegistry.SecretVersion s) {
            return new SecretView(s.name(), s.version(), s.createdAt(), s.createdBy());
        }
    }

    @GetMapping
    List<SecretView> list(@PathVariable String key) {
        requireAdmin(key);
        return registry.latestSecrets(key).stream().map(SecretView::of).toList();
    }

    @PutMapping("/{name}")
    ResponseEntity<SecretView> put(@PathVariable String key, @PathVariable String name, @RequestBody SecretBody body) {
        CurrentUser user = requireAdmin(key);
        List<Violation> violations = new ArrayList<>();
        if (!DefinitionCheck.SECRET_NAME.matcher(name).matches()) {
            violations.add(new Violation("name", "a secret name must match " + DefinitionCheck.SECRET_NAME.pattern()));
        }
        if (body == null || !body.valid()) {
            violations.add(new Violation("/value", "must be 1 to " + MAX_VALUE + " printable characters (no control characters)"));
        }
        if (!violations.isEmpty()) {
            throw Refusal.invalid("The secret is invalid", violations);
        }
        SecretView view = SecretView.of(registry.addSecretVersion(key, name, body.value(), user.id()));
        return view.version() == 1 ? ResponseEntity.status(201).body(view) : ResponseEntity.ok(view);
    }

    private CurrentUser requireAdmin(String key) {
        CurrentUser user = CurrentUser.get();
        if (!permissions.canManageApps(user)) {
            throw Refusal.forbidden("Only admins may read or change the secrets of an app");
        }
        if (apps.find(key).isEmpty()) {
            throw Refusal.notFound("App '" + key + "'");
        }
        return user;
    }
}
