package io.rollguard.app;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import io.rollguard.refusal.Refusal;
import io.rollguard.security.CurrentUser;
import io.rollguard.web.PageProblems;
import io.rollguard.web.PortalPage;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The portal page of an app's analysis floor: read by whoever may read the app's releases, edited
 * by admins through the same checks as {@code PUT /api/apps/{key}/analysis-floor}.
 */
@Controller
class AnalysisFloorPage implements PortalPage {

    /** Blank rows the form offers beyond the floor's own metrics. */
    static final int SPARE_ROWS = 2;
    private static final java.util.regex.Pattern WHOLE = java.util.regex.Pattern.compile("^[+-]?\\d+$");
    private static final java.util.regex.Pattern DECIMAL = java.util.regex.Pattern.compile("^[+-]?(\\d+(\\.\\d*)?|\\.\\d+)$");
    private static final java.util.regex.Pattern METRIC_PATH = java.util.regex.Pattern.compile("^/metrics/(\\d+)(/(\\w+))?$");

    private final AnalysisFloors floors;

    AnalysisFloorPage(AnalysisFloors floors) {
        this.floors = floors;
    }

    @ExceptionHandler(Refusal.class)
    String problem(Refusal problem, HttpServletResponse response, Model model) {
        return PageProblems.render(problem, response, model);
    }

    /** One metric row of the form, as typed: text, so a wrong number is shown back as it was. */
    record MetricRow(String query, String source, String above, String aboveBaselineBy) {
        boolean blank() {
            return isBlank(query) && isBlank(source) && isBlank(above) && isBlank(aboveBaselineBy);
        }
    }

    /** The form as typed. */
    record FloorForm(List<MetricRow> metrics, String minSamples, String maxFirstStepWeight, String minSteps) {
        static FloorForm of(AnalysisFloor floor) {
            List<MetricRow> rows = new ArrayList<>(floor.metrics().stream().map(m -> new MetricRow(m.query(),
                    m.source() == null ? "" : m.source(), number(m.above()), number(m.aboveBaselineBy()))).toList());
            return new FloorForm(rows, text(floor.minSamples()), text(floor.maxFirstStepWeight()), text(floor.minSteps()));
        }

        /** With blank rows to add metrics. */
        FloorForm withSpareRows() {
            List<MetricRow> rows = new ArrayList<>(metrics);
            for (int i = 0; i < SPARE_ROWS; i++) {
                rows.add(new MetricRow("", "", "", ""));
            }
            return new FloorForm(rows, minSamples, maxFirstStepWeight, minSteps);
        }
    }

    @GetMapping("/apps/{key}/analysis-floor")
    String show(@PathVariable String key, Model model) {
        AnalysisFloor floor = floors.read(CurrentUser.get(), key);
        return page(key, floor, FloorForm.of(floor).withSpareRows(), Map.of(), model);
    }

    /**
     * The metric fields come as parallel lists, one entry per row in the order of the page (every
     * row has all four fields); rows left blank are no metric.
     */
    @PostMapping("/apps/{key}/analysis-floor")
    String save(@PathVariable String key, @RequestParam(required = false) List<String> query,
            @RequestParam(required = false) List<String> source, @RequestParam(required = false) List<String> above,
            @RequestParam(required = false) List<String> aboveBaselineBy, @RequestParam(required = false) String minSamples,
            @RequestParam(required = false) String maxFirstStepWeight, @RequestParam(required = false) String minSteps,
            Model model, HttpServletResponse response, RedirectAttributes redirect) {
        CurrentUser user = CurrentUser.get();
        // who may comes first: a non-admin gets the same 403 as from the API, whatever the form holds
        if (!floors.maySet(user)) {
            throw Refusal.forbidden("Only admins may set an app's analysis floor");
        }
        FloorForm form = new FloorForm(rows(query, source, above, aboveBaselineBy), minSamples, maxFirstStepWeight, minSteps);
        // the rows that are metrics, and which row of the form each one is (its errors go there)
        List<Integer> rowOf = new ArrayList<>();
        List<AnalysisFloors.RequiredMetricBody> metrics = new ArrayList<>();
        List<Refusal.Violation> typing = new ArrayList<>();
        for (int row = 0; row < form.metrics().size(); row++) {
            MetricRow m = form.metrics().get(row);
            if (m.blank()) {
                continue;
            }
            rowOf.add(row);
            metrics.add(new AnalysisFloors.RequiredMetricBody(blankToNull(m.query()), blankToNull(m.source()),
                    decimal("/metrics/" + row + "/above", m.above(), typing),
                    decimal("/metrics/" + row + "/aboveBaselineBy", m.aboveBaselineBy(), typing)));
        }
        AnalysisFloors.FloorBody body = new AnalysisFloors.FloorBody(metrics, whole("/minSamples", minSamples, typing),
                whole("/maxFirstStepWeight", maxFirstStepWeight, typing), whole("/minSteps", minSteps, typing));
        // the app must exist (and be readable) before its form is judged, as for the API
        AnalysisFloor current = floors.read(user, key);
        List<Refusal.Violation> violations = new ArrayList<>(typing);
        floors.violations(body).forEach(v -> violations.add(new Refusal.Violation(formPath(v.path(), rowOf), v.message())));
        if (!violations.isEmpty()) {
            response.setStatus(400);
            model.addAttribute("problem", Refusal.invalid("The analysis floor is invalid", violations));
            return page(key, current, form, byField(violations), model);
        }
        floors.set(user, key, body);
        redirect.addFlashAttribute("notice", "The analysis floor of " + key + " is saved: releases submitted from now on are held to it.");
        return "redirect:/apps/" + key + "/analysis-floor";
    }

    private String page(String key, AnalysisFloor floor, FloorForm form, Map<String, List<String>> errors, Model model) {
        model.addAttribute("appKey", key);
        model.addAttribute("floor", floor);
        // the saved floor as text, numbers as people write them (50, not 50.0)
        model.addAttribute("shown", FloorForm.of(floor));
        model.addAttribute("form", form);
        model.addAttribute("errors", errors);
        model.addAttribute("canEdit", floors.maySet(CurrentUser.get()));
        return "apps/analysis-floor";
    }

    private static List<MetricRow> rows(List<String> query, List<String> source, List<String> above,
            List<String> aboveBaselineBy) {
        int n = Math.max(Math.max(size(query), size(source)), Math.max(size(above), size(aboveBaselineBy)));
        List<MetricRow> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(new MetricRow(at(query, i), at(source, i), at(above, i), at(aboveBaselineBy, i)));
        }
        return rows;
    }

    /**
     * A violation's path in the floor's body ({@code /metrics/0/query}) as the form field it belongs
     * to: the index becomes the row of the form, which may differ when blank rows were left out.
     */
    static String formPath(String path, List<Integer> rowOf) {
        Matcher m = METRIC_PATH.matcher(path);
        if (m.matches()) {
            int index = Integer.parseInt(m.group(1));
            int row = index < rowOf.size() ? rowOf.get(index) : index;
            return "/metrics/" + row + (m.group(2) == null ? "" : m.group(2));
        }
        return path;
    }

    /**
     * Errors by form field id: {@code minSamples}, {@code metrics-0-query}; a metric row's own error
     * (null entry) under {@code metrics-0}, the list's under {@code metrics}.
     */
    static Map<String, List<String>> byField(List<Refusal.Violation> violations) {
        Map<String, List<String>> errors = new LinkedHashMap<>();
        for (Refusal.Violation v : violations) {
            String field = v.path().replaceFirst("^/", "").replace('/', '-');
            errors.computeIfAbsent(field.isEmpty() ? "form" : field, k -> new ArrayList<>()).add(v.message());
        }
        return errors;
    }

    /** A whole number, or null when blank; one too large for an int stays too large for the checks. */
    private static Integer whole(String path, String text, List<Refusal.Violation> typing) {
        if (isBlank(text)) {
            return null;
        }
        String t = text.strip();
        if (!WHOLE.matcher(t).matches()) {
            typing.add(new Refusal.Violation(path, "must be a whole number"));
            return null;
        }
        try {
            return Integer.valueOf(t);
        } catch (NumberFormatException e) {
            return t.startsWith("-") ? Integer.MIN_VALUE : Integer.MAX_VALUE;
        }
    }

    /** A plain decimal number (no NaN, no Infinity, no exponent), or null when blank. */
    private static Double decimal(String path, String text, List<Refusal.Violation> typing) {
        if (isBlank(text)) {
            return null;
        }
        String t = text.strip();
        if (t.length() > 30 || !DECIMAL.matcher(t).matches()) {
            typing.add(new Refusal.Violation(path, "must be a number like 0.05"));
            return null;
        }
        return Double.valueOf(t);
    }

    private static int size(List<String> list) {
        return list == null ? 0 : list.size();
    }

    private static String at(List<String> list, int i) {
        return list == null || i >= list.size() || list.get(i) == null ? "" : list.get(i);
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    private static String blankToNull(String s) {
        return isBlank(s) ? null : s.strip();
    }

    private static String text(Integer n) {
        return n == null ? "" : n.toString();
    }

    private static String number(Double d) {
        if (d == null) {
            return "";
        }
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf(d.longValue()) : d.toString();
    }
}
