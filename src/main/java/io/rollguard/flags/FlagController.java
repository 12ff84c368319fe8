package io.rollguard.flags;

import java.util.List;
import java.util.Map;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.rollguard.app.App;
import io.rollguard.app.AppRepository;
import io.rollguard.refusal.Refusal;
import io.rollguard.refusal.Refusal.Violation;
import io.rollguard.security.CurrentUser;
import io.rollguard.security.Permissions;

/**
 * An app's flags over the API: their state and history for whoever reads the app's releases, the
 * kill switch for release managers, the evaluation keys for admins. Nothing else changes a flag
 * here: every other change goes through a release and its approvals.
 */
@RestController
@RequestMapping("/api/apps/{key}")
class FlagController {

    static final int MAX_HISTORY = 500;

    private final AppRepository apps;
    private final Permissions permissions;
    private final FlagService flags;
    private final FlagKeys keys;
    private final KillSwitch killSwitch;

    FlagController(AppRepository apps, Permissions permissions, FlagService flags, FlagKeys keys, KillSwitch killSwitch) {
        this.apps = apps;
        this.permissions = permissions;
        this.flags = flags;
        this.keys = keys;
        this.killSwitch = killSwitch;
    }

    record FlagView(String key, Map<String, Object> variants, String defaultVariant, String newVariant, boolean enabled,
            int percentage, List<String> tenants) {
        static FlagView of(StoredFlag f) {
            return new FlagView(f.definition().key(), Map.copyOf(f.definition().variants()), f.definition().defaultVariant(),
                    f.definition().newVariant(), f.state().enabled(), f.state().percentage(), f.state().tenants());
        }
    }

    record KillBody(String reason) {
    }

    @GetMapping("/flags")
    List<FlagView> list(@PathVariable String key) {
        return flags.flags(readable(key)).stream().map(FlagView::of).toList();
    }

    @GetMapping("/flags/history")
    List<FlagService.Change> history(@PathVariable String key, @RequestParam(defaultValue = "100") int limit) {
        App app = readable(key);
        if (limit < 1 || limit > MAX_HISTORY) {
            throw Refusal.invalid("The history request is invalid",
                    List.of(new Violation("limit", "must be between 1 and " + MAX_HISTORY + ", was " + limit)));
        }
        return flags.history(app.key(), limit);
    }

    @PostMapping("/flags/{flag}/kill")
    KillSwitch.Killed kill(@PathVariable String key, @PathVariable String flag,
            @RequestBody(required = false) KillBody body) {
        return killSwitch.kill(CurrentUser.get(), key, flag, body == null ? null : body.reason());
    }

    @PutMapping("/flags/{flag}")
    void put(@PathVariable String key, @PathVariable String flag) {
        throw directChangeRefused();
    }

    @PatchMapping("/flags/{flag}")
    void patch(@PathVariable String key, @PathVariable String flag) {
        throw directChangeRefused();
    }

    @DeleteMapping("/flags/{flag}")
    void delete(@PathVariable String key, @PathVariable String flag) {
        throw directChangeRefused();
    }

    private static Refusal directChangeRefused() {
        return Refusal.conflict("Flag changes go through a release and its approvals; only the kill switch "
                + "(POST /api/apps/{key}/flags/{flag}/kill) acts directly");
    }

    @PostMapping("/flag-keys")
    ResponseEntity<FlagKeys.Issued> issueKey(@PathVariable String key) {
        CurrentUser user = admin(key);
        return ResponseEntity.status(201).body(keys.issue(key, user.id()));
    }

    @GetMapping("/flag-keys")
    List<FlagKeys.KeyView> keys(@PathVariable String key) {
        admin(key);
        return keys.list(key);
    }

    @DeleteMapping("/flag-keys/{id}")
    ResponseEntity<Void> revoke(@PathVariable String key, @PathVariable String id) {
        admin(key);
        if (!keys.revoke(key, id)) {
            throw Refusal.notFound("Flag evaluation key '" + id + "' of app '" + key + "'");
        }
        return ResponseEntity.noContent().build();
    }

    private App readable(String key) {
        CurrentUser user = CurrentUser.get();
        App app = apps.find(key).orElseThrow(() -> Refusal.notFound("App '" + key + "'"));
        if (!permissions.canRead(user, app)) {
            throw Refusal.forbidden("You may not read the flags of app '" + key + "'");
        }
        return app;
    }

    private CurrentUser admin(String key) {
        CurrentUser user = CurrentUser.get();
        if (!permissions.canManageApps(user)) {
            throw Refusal.forbidden("Only admins may issue, list or revoke an app's flag evaluation keys");
        }
        if (apps.find(key).isEmpty()) {
            throw Refusal.notFound("App '" + key + "'");
        }
        return user;
    }
}
