package io.rollguard.app;

import java.util.ArrayList;
import java.util.List;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.rollguard.security.CurrentUser;
import io.rollguard.security.Permissions;
import io.rollguard.refusal.Refusal;

/**
 * An app's database in the registry. Admins only, like the rest of the registry: the credentials
 * let the platform change the app's data model.
 */
@RestController
@RequestMapping("/api/apps/{key}/database")
class AppDatabaseController {

    private final AppRepository apps;
    private final AppDatabases databases;
    private final Permissions permissions;
    private final RegistrationAllowList allowList;

    AppDatabaseController(AppRepository apps, AppDatabases databases, Permissions permissions,
            RegistrationAllowList allowList) {
        this.apps = apps;
        this.databases = databases;
        this.permissions = permissions;
        this.allowList = allowList;
    }

    record DatabaseBody(String jdbcUrl, String username, String password) {
    }

    /** The password is write-only: reading tells whether one is set, never what it is. */
    record DatabaseView(String app, String jdbcUrl, String username, boolean passwordSet) {
        static DatabaseView of(AppDatabase db) {
            return new DatabaseView(db.appKey(), db.jdbcUrl(), db.username(),
                    db.password() != null && !db.password().isEmpty());
        }
    }

    @GetMapping
    DatabaseView get(@PathVariable String key) {
        requireAdmin();
        requireApp(key);
        return databases.find(key).map(DatabaseView::of)
                .orElseThrow(() -> Refusal.notFound("Database of app '" + key + "'"));
    }

    @PutMapping
    ResponseEntity<DatabaseView> put(@PathVariable String key, @RequestBody DatabaseBody body) {
        requireAdmin();
        requireApp(key);
        List<Refusal.Violation> violations = new ArrayList<>();
        // only PostgreSQL: reversibility is proven with PostgreSQL's catalog and row checksums
        // only on allowed hosts and without driver parameters that load classes or files (RegistrationAllowList)
        if (body.jdbcUrl() == null || !body.jdbcUrl().matches("^jdbc:postgresql://[^\\s]+$") || body.jdbcUrl().length() > 500) {
            violations.add(new Refusal.Violation("/jdbcUrl", "must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database), at most 500 characters"));
        } else {
            RegistrationAllowList.add(violations, "/jdbcUrl", allowList.checkJdbcUrl(body.jdbcUrl()));
        }
        if (body.username() == null || body.username().isBlank() || body.username().length() > 128) {
            violations.add(new Refusal.Violation("/username", "must not be blank, at most 128 characters"));
        }
        // stored sealed (SecretCipher), which must fit its column
        if (body.password() == null || body.password().length() > 200
                || body.password().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 512) {
            violations.add(new Refusal.Violation("/password", "must be given, at most 200 characters (it is write-only; send it again to change the URL)"));
        }
        if (!violations.isEmpty()) {
            throw Refusal.invalid("The app database registration is invalid", violations);
        }
        boolean created = databases.find(key).isEmpty();
        databases.save(new AppDatabase(key, body.jdbcUrl(), body.username(), body.password()));
        DatabaseView view = DatabaseView.of(databases.find(key).orElseThrow());
        return created ? ResponseEntity.status(201).body(view) : ResponseEntity.ok(view);
    }

    private void requireAdmin() {
        if (!permissions.canManageApps(CurrentUser.get())) {
            throw Refusal.forbidden("Only admins may read or change the app registry");
        }
    }

    private void requireApp(String key) {
        if (apps.find(key).isEmpty()) {
            throw Refusal.notFound("App '" + key + "'");
        }
    }
}
