package io.rollguard.analysis;

import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import io.rollguard.release.ReleaseService;
import io.rollguard.security.CurrentUser;

/** The evidence of every analysis of a release, for whoever may read the release itself. */
@RestController
class AnalysisController {

    private final ReleaseService releases;
    private final AnalysisEvidence evidence;

    AnalysisController(ReleaseService releases, AnalysisEvidence evidence) {
        this.releases = releases;
        this.evidence = evidence;
    }

    record ReleaseAnalysis(String releaseId, List<AnalysisEvidence.StoredRun> runs) {
    }

    @GetMapping("/api/releases/{id}/analysis")
    ReleaseAnalysis get(@PathVariable String id) {
        // reading the release applies its permission check and answers 404/403 as GET /api/releases/{id} does
        String releaseId = releases.read(CurrentUser.get(), id).id();
        return new ReleaseAnalysis(releaseId, evidence.runs(releaseId));
    }
}
