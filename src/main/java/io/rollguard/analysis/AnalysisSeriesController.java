package io.rollguard.analysis;

import java.time.Instant;
import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.rollguard.release.Release;
import io.rollguard.release.ReleaseEvent;
import io.rollguard.release.ReleaseService;
import io.rollguard.security.CurrentUser;
import io.rollguard.web.ApiProblem;

/**
 * Canary vs baseline over time for the n-th analysis run of a release (1 = first), for everyone who
 * may read the release; under /api for tools and beside the release page for the portal's chart.
 */
@RestController
class AnalysisSeriesController {

    private final ReleaseService releases;
    private final AnalysisSeries series;
    private final ObjectMapper json;

    AnalysisSeriesController(ReleaseService releases, AnalysisSeries series, ObjectMapper json) {
        this.releases = releases;
        this.series = series;
        this.json = json;
    }

    @GetMapping({"/api/releases/{id}/analyses/{run}/series", "/releases/{id}/analyses/{run}/series"})
    AnalysisSeries.Series series(@PathVariable String id, @PathVariable int run) {
        Release release = releases.read(CurrentUser.get(), id);
        List<ReleaseEvent> runs = releases.history(id).stream().filter(e -> e.type().equals("ANALYSIS")).toList();
        if (run < 1 || run > runs.size()) {
            throw ApiProblem.notFound("Analysis run " + run + " of release " + id);
        }
        try {
            JsonNode evidence = json.readTree(runs.get(run - 1).detail());
            return series.series(release.appKey(), Instant.parse(evidence.path("from").asText()),
                    Instant.parse(evidence.path("to").asText()));
        } catch (Exception e) {
            throw ApiProblem.notFound("Readable evidence of analysis run " + run + " of release " + id);
        }
    }
}
