package io.rollguard.security;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.rollguard.refusal.Refusal;

/** Admins lift the sign-in throttle of a user, e.g. one an attacker has been guessing at. */
@RestController
@RequestMapping("/api/admin/login-throttle")
class LoginThrottleController {

    private final LoginThrottle throttle;
    private final Permissions permissions;

    LoginThrottleController(LoginThrottle throttle, Permissions permissions) {
        this.throttle = throttle;
        this.permissions = permissions;
    }

    @DeleteMapping("/{user}")
    ResponseEntity<Void> unlock(@PathVariable String user) {
        if (!permissions.canManageApps(CurrentUser.get())) {
            throw Refusal.forbidden("Only admins may lift a sign-in throttle");
        }
        throttle.unlock(user);
        return ResponseEntity.noContent().build();
    }
}
