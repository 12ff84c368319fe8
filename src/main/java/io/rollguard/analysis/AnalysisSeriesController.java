package io.rollguard.analysis;

import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import io.rollguard.release.Release;
import io.rollguard.release.ReleaseService;
import io.rollguard.release.history.ReleaseFact;
import io.rollguard.security.CurrentUser;
import io.rollguard.refusal.Refusal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;

/**
 * Canary vs baseline over time for the n-th analysis run of a release (1 = first), for everyone who
 * may read the release; under /api for tools and beside the release page for the portal's chart.
 */
@RestController
class AnalysisSeriesController {

    private final ReleaseService releases;
    private final AnalysisSeries series;

    AnalysisSeriesController(ReleaseService releases, AnalysisSeries series) {
        this.releases = releases;
        this.series = series;
    }

    @Operation(summary = "Canary vs baseline over an analysis run's window, one series per metric",
            description = "run is the run's number in the release (1 = first). The series are those kept with the "
                    + "run when it was analysed (origin 'stored'): per metric, equal buckets over [from, to) with "
                    + "the mean of canary and of baseline samples in each (null when a bucket is empty) and their "
                    + "counts; unit 'ratio' is an error ratio (0..1), 'ms' a latency, null the query's own unit. "
                    + "Runs analysed before runs kept their series are drawn from the built-in router's samples "
                    + "while those are kept (origin 'router-samples').")
    @ApiResponse(responseCode = "200", description = "the run's series")
    @ApiResponse(responseCode = "403", description = "the caller may not read the release")
    @ApiResponse(responseCode = "404", description = "no such release or run, or no series is available for the run")
    @GetMapping({"/api/releases/{id}/analyses/{run}/series", "/releases/{id}/analyses/{run}/series"})
    AnalysisSeries.RunSeries series(@PathVariable String id, @PathVariable int run) {
        Release release = releases.read(CurrentUser.get(), id);
        List<ReleaseFact.AnalysisRecorded> runs = releases.history(id).stream()
                .map(e -> e.fact() instanceof ReleaseFact.AnalysisRecorded entry ? entry : null)
                .filter(entry -> entry != null).toList();
        if (run < 1 || run > runs.size()) {
            throw Refusal.notFound("Analysis run " + run + " of release " + id);
        }
        // the history entry names the stored run and the window it judged (older entries only some of it)
        ReleaseFact.AnalysisRecorded entry = runs.get(run - 1);
        return series.series(release.id(), release.appKey(), run, entry.run(), entry.from(), entry.to()).orElseThrow(() -> new Refusal(Refusal.Kind.NOT_FOUND, "No chart series",
                        "Analysis run " + run + " of release " + id + " has no chart series: it was analysed before "
                                + "runs kept their series, and the built-in router's samples of its window are no "
                                + "longer kept or were never taken (another data plane)", List.of()));
    }
}
