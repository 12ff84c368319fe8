package io.rollguard.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.sql.Timestamp;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.User;
import org.camunda.bpm.engine.impl.persistence.entity.UserEntity;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Throttles password guessing on every way in that takes a password: HTTP Basic on any path
 * ({@code /api}, the pages, {@code /engine-rest}), our sign-in form and the Camunda webapps' login.
 * Two limits, both expiring on their own:
 * <ul>
 * <li>per user: Camunda's own delay after failed logins (engine properties {@code loginDelayBase},
 * {@code loginDelayFactor}, {@code loginDelayMaxTime}), kept in Camunda's user table in the shared
 * database, so it holds across nodes and for password checks we do not see. Its permanent lock
 * ({@code loginMaxAttempts}) is configured out of reach: a stranger must never be able to lock
 * an approver out until an admin notices. Once {@code max-failures-per-user} failures in a row
 * have been counted, a request while the delay runs is answered 429 with Retry-After instead of
 * being checked (a correct password would be refused anyway, and the user should know why);</li>
 * <li>per client address: at most {@code max-failures-per-address} failed logins within
 * {@code window}, whichever users they named; then 429 until the oldest one leaves the window.
 * The failures are rows of {@code rg_login_failure} in the shared database, so an attacker
 * spread over the nodes of a cluster meets one limit, and a restart forgets nothing.</li>
 * </ul>
 * An admin lifts both for a user ({@code DELETE /api/admin/login-throttle/{user}}).
 */
class LoginThrottle extends OncePerRequestFilter {

    /** Set by the sign-in form's failure handler: its refusal is a redirect, not a 401. */
    static final String FAILED = LoginThrottle.class.getName() + ".failed";

    @ConfigurationProperties("rollguard.login-throttle")
    record Settings(Integer maxFailuresPerAddress, Integer maxFailuresPerUser, Duration window) {
        Settings {
            maxFailuresPerAddress = maxFailuresPerAddress == null ? 10 : maxFailuresPerAddress;
            maxFailuresPerUser = maxFailuresPerUser == null ? 3 : maxFailuresPerUser;
            window = window == null ? Duration.ofMinutes(5) : window;
        }
    }

    private final Settings settings;
    private final IdentityService identity;
    private final boolean localUsers;
    private final Clock clock;
    private final JdbcTemplate jdbc;

    /** {@code localUsers}: passwords are Camunda's own (with Keycloak, Keycloak checks them and keeps its own delay). */
    LoginThrottle(Settings settings, IdentityService identity, boolean localUsers, Clock clock, JdbcTemplate jdbc) {
        this.settings = settings;
        this.identity = identity;
        this.localUsers = localUsers;
        this.clock = clock;
        this.jdbc = jdbc;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return basicUser(request) == null && !isLoginForm(request) && !isCamundaLogin(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String address = request.getRemoteAddr();
        String user = basicUser(request);
        if (user == null && isLoginForm(request)) {
            user = request.getParameter("username");
        }
        Instant now = clock.instant();
        Duration wait = addressWait(address, now);
        if (wait != null) {
            tooMany(response, wait, "Too many failed sign-ins from your address");
            return;
        }
        wait = user == null || !localUsers ? null : userWait(user, now);
        if (wait != null) {
            tooMany(response, wait, "Too many failed sign-ins for this user");
            return;
        }
        chain.doFilter(request, response);
        if (response.getStatus() == HttpServletResponse.SC_UNAUTHORIZED || Boolean.TRUE.equals(request.getAttribute(FAILED))) {
            recordFailure(address, user, clock.instant());
        }
    }

    /** An admin lets the user in again: Camunda's delay and every address's failures that named them. */
    void unlock(String user) {
        if (localUsers) {
            identity.unlockUser(user);
        }
        jdbc.update("delete from rg_login_failure where user_name = ?", user);
    }

    private void recordFailure(String address, String user, Instant at) {
        // what left the window counts for no one any more: each failure clears the old ones of its address
        jdbc.update("delete from rg_login_failure where address = ? and failed_at < ?", clip(address, 64),
                Timestamp.from(at.minus(settings.window())));
        jdbc.update("insert into rg_login_failure (address, user_name, failed_at) values (?, ?, ?)", clip(address, 64),
                user == null ? null : clip(user, 128), Timestamp.from(at));
    }

    private Duration addressWait(String address, Instant now) {
        List<Timestamp> recent = jdbc.queryForList("select failed_at from rg_login_failure where address = ? and failed_at >= ? "
                + "order by failed_at", Timestamp.class, clip(address, 64), Timestamp.from(now.minus(settings.window())));
        if (recent.size() < settings.maxFailuresPerAddress()) {
            return null;
        }
        // the oldest failures that keep the count at the limit must leave the window first
        Instant freed = recent.get(recent.size() - settings.maxFailuresPerAddress()).toInstant().plus(settings.window());
        return Duration.between(now, freed);
    }

    private static String clip(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max);
    }

    /** Camunda's delay for the user, read from its user table (the identity service has no public getter for it). */
    private Duration userWait(String user, Instant now) {
        User found = identity.createUserQuery().userId(user).singleResult();
        // the first delays (a mistyped password) stay Camunda's quiet refusal; a run of failures is named
        if (found instanceof UserEntity entity && entity.getAttempts() >= settings.maxFailuresPerUser()) {
            Date until = entity.getLockExpirationTime();
            if (until != null && until.toInstant().isAfter(now)) {
                return Duration.between(now, until.toInstant());
            }
        }
        return null;
    }

    private static void tooMany(HttpServletResponse response, Duration wait, String title) throws IOException {
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        response.setStatus(429);
        response.setHeader("Retry-After", String.valueOf(seconds));
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write("""
                {"type":"about:blank","title":"%s","status":429,\
                "detail":"Sign-in is paused after repeated failures; try again in %d s (an admin can lift this)"}"""
                .formatted(title, seconds));
    }

    /** The user name of an HTTP Basic header, or null without one (bearer tokens are no password check). */
    static String basicUser(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header == null || header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? decoded : decoded.substring(0, colon);
        } catch (IllegalArgumentException notBase64) {
            return "";
        }
    }

    private static boolean isLoginForm(HttpServletRequest request) {
        return "POST".equals(request.getMethod()) && "/login".equals(path(request));
    }

    /** Camunda's webapps sign in with {@code POST /camunda/api/admin/auth/user/{engine}/login/{app}}. */
    private static boolean isCamundaLogin(HttpServletRequest request) {
        return "POST".equals(request.getMethod()) && path(request).matches("/camunda/api/admin/auth/user/[^/]+/login/[^/]+");
    }

    private static String path(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        return context != null && uri.startsWith(context) ? uri.substring(context.length()) : uri;
    }
}
