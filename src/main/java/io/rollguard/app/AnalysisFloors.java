package io.rollguard.app;

import java.util.Comparator;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.Validator;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import org.springframework.stereotype.Service;

import io.rollguard.refusal.Refusal;
import io.rollguard.security.CurrentUser;
import io.rollguard.security.Permissions;

/**
 * Reading and setting an app's analysis floor, the one place that decides who may and what a
 * valid floor is: the API ({@code /api/apps/{key}/analysis-floor}) and the portal page call it alike.
 */
@Service
class AnalysisFloors {

    private final AppRepository apps;
    private final Permissions permissions;
    private final Validator validator;

    AnalysisFloors(AppRepository apps, Permissions permissions, Validator validator) {
        this.apps = apps;
        this.permissions = permissions;
        this.validator = validator;
    }

    /** The admins' analysis floor; omitted fields set no floor. */
    record FloorBody(@Size(max = 20) List<@NotNull @Valid RequiredMetricBody> metrics,
            @Min(1) @Max(100_000) Integer minSamples,
            @Min(1) @Max(100) Integer maxFirstStepWeight,
            @Min(1) @Max(20) Integer minSteps) {

        AnalysisFloor toFloor() {
            return new AnalysisFloor(metrics == null ? List.of() : metrics.stream().map(m -> new AnalysisFloor.RequiredMetric(
                    m.query(), m.source(), m.above(), m.aboveBaselineBy())).toList(), minSamples, maxFirstStepWeight, minSteps);
        }
    }

    record RequiredMetricBody(@NotBlank @Size(max = 2000) String query,
            @Pattern(regexp = "^(builtin|prometheus)$", message = "must be builtin or prometheus") String source,
            @PositiveOrZero Double above, @PositiveOrZero Double aboveBaselineBy) {
    }

    /** Everyone who may read the app's releases reads its floor: the requesters who write descriptors against it. */
    AnalysisFloor read(CurrentUser user, String key) {
        App app = apps.find(key).orElseThrow(() -> Refusal.notFound("App '" + key + "'"));
        if (!permissions.canRead(user, app)) {
            throw Refusal.forbidden("You may not read the analysis floor of app '" + key + "'");
        }
        return apps.analysisFloor(key);
    }

    boolean maySet(CurrentUser user) {
        return permissions.canSetAnalysisFloor(user);
    }

    /**
     * Only admins set the floor (the owners are the ones it holds to it); who may comes before
     * whether the app exists and what is wrong with the body, so a non-admin learns nothing.
     */
    AnalysisFloor set(CurrentUser user, String key, FloorBody body) {
        if (!maySet(user)) {
            throw Refusal.forbidden("Only admins may set an app's analysis floor");
        }
        apps.find(key).orElseThrow(() -> Refusal.notFound("App '" + key + "'"));
        List<Refusal.Violation> violations = violations(body);
        if (!violations.isEmpty()) {
            throw Refusal.invalid("The analysis floor is invalid", violations);
        }
        apps.saveAnalysisFloor(key, body.toFloor());
        return apps.analysisFloor(key);
    }

    /** What is wrong with a floor, by JSON pointer into the body ({@code /metrics/0/query}); empty when nothing. */
    List<Refusal.Violation> violations(FloorBody body) {
        return validator.validate(body).stream()
                .map(AppController::violation)
                .sorted(Comparator.comparing(Refusal.Violation::path))
                .toList();
    }
}
