package io.rollguard.app;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import jakarta.validation.Valid;
import jakarta.validation.Validator;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

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
 * The app registry. Admins only: it holds the keys to the apps' Node-RED Admin APIs. The analysis
 * floor is set by admins too, and read by whoever reads the app's releases.
 */
@RestController
@RequestMapping("/api/apps")
class AppController {

    private static final String URL = "^https?://[^\\s]+[^/\\s]$";
    /** A bearer token goes into a header and is stored sealed: printable ASCII of a bounded length. */
    private static final String TOKEN = "^[\\x21-\\x7E]{1,300}$";

    private final AppRepository apps;
    private final Permissions permissions;
    private final Validator validator;
    private final RegistrationAllowList allowList;
    private final AnalysisFloors floors;

    AppController(AppRepository apps, Permissions permissions, Validator validator, RegistrationAllowList allowList,
            AnalysisFloors floors) {
        this.apps = apps;
        this.permissions = permissions;
        this.validator = validator;
        this.allowList = allowList;
        this.floors = floors;
    }

    // sizes are those of the columns: a longer value would fail the insert, after the checks
    record SlotBody(@NotBlank @Size(max = 500) @Pattern(regexp = URL, message = "must be an http(s) URL without trailing slash") String adminUrl,
            @NotBlank @Size(max = 500) @Pattern(regexp = URL, message = "must be an http(s) URL without trailing slash") String trafficUrl) {
    }

    record AppBody(@NotEmpty Set<@Pattern(regexp = "^[A-Za-z0-9._@-]{1,128}$") String> owners,
            @NotNull @Valid SlotBody stable, @NotNull @Valid SlotBody canary,
            @NotBlank @Pattern(regexp = TOKEN, message = "must be 1 to 300 printable ASCII characters") String stableAdminToken,
            @NotBlank @Pattern(regexp = TOKEN, message = "must be 1 to 300 printable ASCII characters") String canaryAdminToken,
            String adminToken,
            @NotBlank @Pattern(regexp = "^[a-z][a-z0-9-]{0,62}$") String route,
            @Pattern(regexp = "^\\d{1,20}\\.\\d{1,20}\\.\\d{1,20}$") String currentVersion,
            @Valid DataPlaneBody dataPlane) {

        /** One token for both slots would let the canary's flows redeploy stable. */
        List<Refusal.Violation> tokenViolations() {
            List<Refusal.Violation> violations = new java.util.ArrayList<>();
            if (adminToken != null) {
                violations.add(new Refusal.Violation("/adminToken",
                        "is replaced by stableAdminToken and canaryAdminToken: each slot has its own token"));
            }
            if (stableAdminToken != null && stableAdminToken.equals(canaryAdminToken)) {
                violations.add(new Refusal.Violation("/canaryAdminToken",
                        "must differ from stableAdminToken, or code in the canary slot could redeploy stable"));
            }
            return violations;
        }
    }

    /** Omitted: the embedded default (built-in router and measurements). */
    record DataPlaneBody(
            @Pattern(regexp = "^(builtin|haproxy)$", message = "must be builtin or haproxy") String router,
            @Size(max = 300) @Pattern(regexp = "^[A-Za-z0-9.-]+:\\d{1,5}$", message = "must be host:port of HAProxy's stats socket") String runtimeApi,
            @Pattern(regexp = "^[A-Za-z0-9_.:-]{1,64}$") String backend,
            @Pattern(regexp = "^(builtin|prometheus)$", message = "must be builtin or prometheus") String metrics,
            @Size(max = 500) @Pattern(regexp = URL, message = "must be an http(s) URL without trailing slash") String prometheusUrl,
            @Pattern(regexp = "^[A-Za-z0-9-]{1,64}$", message = "must be an HTTP header name") String tenantHeader,
            @Pattern(regexp = "^(builtin|unleash)$", message = "must be builtin or unleash") String flagStore,
            @Size(max = 500) @Pattern(regexp = URL, message = "must be an http(s) URL without trailing slash") String unleashUrl,
            @Pattern(regexp = "^[A-Za-z0-9_.-]{1,100}$", message = "must be an Unleash project id") String unleashProject,
            @Pattern(regexp = "^[A-Za-z0-9_.-]{1,100}$", message = "must be an Unleash environment name") String unleashEnvironment) {

        App.DataPlane toDataPlane(String route) {
            String r = router == null ? App.DataPlane.BUILTIN_ROUTER : router;
            String m = metrics == null ? App.DataPlane.BUILTIN_METRICS : metrics;
            boolean haproxy = r.equals(App.DataPlane.HAPROXY);
            return new App.DataPlane(r, haproxy ? runtimeApi : null, haproxy ? (backend == null ? route : backend) : null,
                    m, m.equals(App.DataPlane.PROMETHEUS) ? prometheusUrl : null,
                    tenantHeader == null ? App.DataPlane.DEFAULT_TENANT_HEADER : tenantHeader, flagStore, unleashUrl,
                    unleashProject, unleashEnvironment);
        }

        List<Refusal.Violation> missing() {
            List<Refusal.Violation> violations = new java.util.ArrayList<>();
            if (App.DataPlane.HAPROXY.equals(router) && (runtimeApi == null || runtimeApi.isBlank())) {
                violations.add(new Refusal.Violation("/dataPlane/runtimeApi", "is required for router haproxy"));
            }
            if (App.DataPlane.PROMETHEUS.equals(metrics) && (prometheusUrl == null || prometheusUrl.isBlank())) {
                violations.add(new Refusal.Violation("/dataPlane/prometheusUrl", "is required for metrics prometheus"));
            }
            if (App.DataPlane.UNLEASH.equals(flagStore) && (unleashUrl == null || unleashUrl.isBlank())) {
                violations.add(new Refusal.Violation("/dataPlane/unleashUrl", "is required for flagStore unleash"));
            }
            return violations;
        }
    }

    /** The admin tokens are write-only: reading an app tells whether both are set, never what they are. */
    record AppView(String key, Set<String> owners, App.Slot stable, App.Slot canary, boolean adminTokenSet,
            String route, String currentVersion, App.DataPlane dataPlane) {
        static AppView of(App app) {
            return new AppView(app.key(), app.owners(), app.stable(), app.canary(), app.adminTokens().bothSet(),
                    app.route(), app.currentVersion(), app.dataPlane());
        }
    }

    @GetMapping
    List<AppView> list() {
        requireAdmin();
        return apps.findAll().stream().map(AppView::of).toList();
    }

    @GetMapping("/{key}")
    AppView get(@PathVariable String key) {
        requireAdmin();
        return apps.find(key).map(AppView::of).orElseThrow(() -> Refusal.notFound("App '" + key + "'"));
    }

    @PutMapping("/{key}")
    ResponseEntity<AppView> put(@PathVariable String key, @RequestBody AppBody body) {
        // who may comes before what is wrong with the body: a non-admin learns nothing from it
        requireAdmin();
        List<Refusal.Violation> violations = java.util.stream.Stream.concat(validator.validate(body).stream()
                .map(AppController::violation),
                        java.util.stream.Stream.concat(body.tokenViolations().stream(),
                                java.util.stream.Stream.concat(body.dataPlane() == null
                                        ? java.util.stream.Stream.<Refusal.Violation>empty()
                                        : body.dataPlane().missing().stream(), unreachable(body).stream())))
                .sorted(java.util.Comparator.comparing(Refusal.Violation::path))
                .toList();
        if (!violations.isEmpty()) {
            throw Refusal.invalid("The app registration is invalid", violations);
        }
        if (!key.matches("^[a-z][a-z0-9-]{1,62}$")) {
            throw Refusal.invalid("Invalid app key",
                    List.of(new Refusal.Violation("key", "must match ^[a-z][a-z0-9-]{1,62}$")));
        }
        apps.findByRoute(body.route()).filter(other -> !other.key().equals(key)).ifPresent(other -> {
            throw Refusal.conflict("Route '" + body.route() + "' is already used by app " + other.key());
        });
        boolean created = apps.find(key).isEmpty();
        apps.save(new App(key, new LinkedHashSet<>(body.owners()),
                new App.Slot(body.stable().adminUrl(), body.stable().trafficUrl()),
                new App.Slot(body.canary().adminUrl(), body.canary().trafficUrl()),
                new App.AdminTokens(body.stableAdminToken(), body.canaryAdminToken()), body.route(), body.currentVersion(),
                body.dataPlane() == null ? App.DataPlane.BUILTIN : body.dataPlane().toDataPlane(body.route())));
        AppView view = AppView.of(apps.find(key).orElseThrow());
        return created ? ResponseEntity.status(201).body(view) : ResponseEntity.ok(view);
    }

    /** Everyone who may read the app's releases reads its floor: the requesters who write descriptors against it. */
    @GetMapping("/{key}/analysis-floor")
    AnalysisFloor floor(@PathVariable String key) {
        return floors.read(CurrentUser.get(), key);
    }

    /** Only admins set the floor: the owners are the ones it holds to it. */
    @PutMapping("/{key}/analysis-floor")
    AnalysisFloor setFloor(@PathVariable String key, @RequestBody AnalysisFloors.FloorBody body) {
        return floors.set(CurrentUser.get(), key, body);
    }

    /** A bean validation error by JSON pointer into the body ({@code /metrics/0/query}). */
    static Refusal.Violation violation(jakarta.validation.ConstraintViolation<?> v) {
        return new Refusal.Violation("/" + v.getPropertyPath().toString().replace('.', '/')
                .replaceAll("<[^>]*>", "").replaceAll("\\[(\\d*)]", "/$1").replaceAll("/+$", ""), v.getMessage());
    }

    /** Addresses outside the operator's allow-list, and owners beyond their column, named by field. */
    private List<Refusal.Violation> unreachable(AppBody body) {
        List<Refusal.Violation> violations = new java.util.ArrayList<>();
        for (var slot : java.util.Map.of("stable", java.util.Optional.ofNullable(body.stable()),
                "canary", java.util.Optional.ofNullable(body.canary())).entrySet()) {
            slot.getValue().ifPresent(s -> {
                RegistrationAllowList.add(violations, "/" + slot.getKey() + "/adminUrl", allowList.checkUrl(s.adminUrl()));
                RegistrationAllowList.add(violations, "/" + slot.getKey() + "/trafficUrl", allowList.checkUrl(s.trafficUrl()));
            });
        }
        if (body.owners() != null && String.join(",", body.owners()).length() > 1000) {
            violations.add(new Refusal.Violation("/owners", "at most 1000 characters in all"));
        }
        if (body.dataPlane() != null) {
            RegistrationAllowList.add(violations, "/dataPlane/prometheusUrl", allowList.checkUrl(body.dataPlane().prometheusUrl()));
            RegistrationAllowList.add(violations, "/dataPlane/runtimeApi", allowList.checkHostPort(body.dataPlane().runtimeApi()));
            RegistrationAllowList.add(violations, "/dataPlane/unleashUrl", allowList.checkUrl(body.dataPlane().unleashUrl()));
        }
        return violations;
    }

    private void requireAdmin() {
        if (!permissions.canManageApps(CurrentUser.get())) {
            throw Refusal.forbidden("Only admins may read or change the app registry");
        }
    }
}
