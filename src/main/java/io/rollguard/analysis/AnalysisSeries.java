package io.rollguard.analysis;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.stereotype.Component;

import io.rollguard.app.App;
import io.rollguard.analysis.builtin.BuiltinMetricSource;
import io.rollguard.app.AppRepository;
import io.rollguard.app.SlotName;

/**
 * Canary vs baseline over the window of one analysis run, one series per metric, for the portal's
 * chart. A run keeps the series it was judged on ({@link CanaryAnalysis} builds them); runs
 * analysed before that are charted from the built-in router's samples while those are still kept
 * (rollguard.router.sample-retention), with the same bucketing.
 */
@Component
class AnalysisSeries {

    /** {@code origin} says where the series come from: {@code stored} with the run, or {@code router-samples}. */
    record RunSeries(int run, Instant from, Instant to, String origin, List<MetricSeries> metrics) {
    }

    static final String STORED = "stored";
    static final String ROUTER_SAMPLES = "router-samples";

    private final AnalysisEvidence evidence;
    private final BuiltinMetricSource routerSamples;
    private final AppRepository apps;

    AnalysisSeries(AnalysisEvidence evidence, BuiltinMetricSource routerSamples, AppRepository apps) {
        this.evidence = evidence;
        this.routerSamples = routerSamples;
        this.apps = apps;
    }

    /**
     * The series of run number {@code run} of a release: those stored with the run {@code runId}
     * if any, else the router's samples of the window ({@code from}/{@code to} as the history
     * recorded them, else the stored run's). Empty when neither exists.
     */
    Optional<RunSeries> series(String releaseId, String appKey, int run, Long runId, Instant from, Instant to) {
        Optional<AnalysisEvidence.StoredChart> stored = runId == null ? Optional.empty()
                : evidence.chart(releaseId, runId);
        if (stored.isPresent() && !stored.get().series().isEmpty()) {
            AnalysisEvidence.StoredChart chart = stored.get();
            return Optional.of(new RunSeries(run, chart.from(), chart.to(), STORED, chart.series()));
        }
        Instant windowFrom = from != null ? from : stored.map(AnalysisEvidence.StoredChart::from).orElse(null);
        Instant windowTo = to != null ? to : stored.map(AnalysisEvidence.StoredChart::to).orElse(null);
        if (windowFrom == null || windowTo == null) {
            return Optional.empty();
        }
        return apps.find(appKey).flatMap(app -> fromRouterSamples(app, run, windowFrom, windowTo));
    }

    private Optional<RunSeries> fromRouterSamples(App app, int run, Instant from, Instant to) {
        String note = "drawn from the built-in router's samples: this run was analysed before runs kept their chart";
        List<MetricSeries> metrics = List.of(
                fromRouterSamples(app, "error rate", "error-ratio", from, to, note),
                fromRouterSamples(app, "latency", "latency-mean", from, to, note));
        if (metrics.stream().allMatch(m -> m.canaryTotal() + m.baselineTotal() == 0)) {
            return Optional.empty();
        }
        return Optional.of(new RunSeries(run, from, to, ROUTER_SAMPLES, metrics));
    }

    private MetricSeries fromRouterSamples(App app, String name, String query, Instant from, Instant to, String note) {
        return MetricSeries.of(name, routerSamples.name(), query, from, to,
                List.of(routerSamples.measure(app, SlotName.CANARY, query, from, to)),
                List.of(routerSamples.measure(app, SlotName.STABLE, query, from, to)), note);
    }
}
