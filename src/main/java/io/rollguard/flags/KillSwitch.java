package io.rollguard.flags;

import java.util.List;

import org.springframework.stereotype.Component;

import io.rollguard.app.App;
import io.rollguard.app.AppRepository;
import io.rollguard.refusal.Refusal;
import io.rollguard.refusal.Refusal.Violation;
import io.rollguard.security.CurrentUser;
import io.rollguard.security.Permissions;

/**
 * The kill switch as the API and the portal both offer it: who may (release managers), on which
 * app and flag, with a reason; the same checks and the same record from either door.
 */
@Component
class KillSwitch {

    static final int MAX_REASON = 500;

    private final AppRepository apps;
    private final Permissions permissions;
    private final FlagService flags;

    KillSwitch(AppRepository apps, Permissions permissions, FlagService flags) {
        this.apps = apps;
        this.permissions = permissions;
        this.flags = flags;
    }

    record Killed(String app, String flag, boolean changed, String detail) {
    }

    Killed kill(CurrentUser user, String appKey, String flag, String reason) {
        // who may comes before what is wrong with the request: a requester learns nothing from it
        if (!permissions.canKillFlags(user)) {
            throw Refusal.forbidden("Only a release manager may use the kill switch");
        }
        App app = apps.find(appKey).orElseThrow(() -> Refusal.notFound("App '" + appKey + "'"));
        checkReason(reason);
        try {
            boolean changed = flags.kill(app, flag, user.id(), reason.strip());
            return new Killed(app.key(), flag, changed, changed ? "flag " + flag + " is off for every user"
                    : "flag " + flag + " was already off; nothing changed");
        } catch (FlagService.UnknownFlag e) {
            throw Refusal.notFound("Flag '" + flag + "' of app '" + app.key() + "'");
        } catch (FlagStoreException e) {
            throw new Refusal(Refusal.Kind.CONFLICT, "Flag store unavailable", "The app's flag store refused the kill "
                    + "switch: " + e.getMessage(), List.of());
        }
    }

    private static void checkReason(String reason) {
        if (reason == null || reason.isBlank() || reason.length() > MAX_REASON
                || reason.codePoints().anyMatch(c -> Character.isISOControl(c) && c != '\n')) {
            throw Refusal.invalid("The kill switch needs a reason", List.of(new Violation("/reason",
                    "must be 1 to " + MAX_REASON + " characters without control characters: say why the flag goes off")));
        }
    }
}
