package io.rollguard.release;

import java.time.Instant;
import java.util.List;

import io.rollguard.release.history.ReleaseEvent;

/** What the API shows of a release. */
record ReleaseView(String id, String app, String version, String requester, ReleaseState state,
        List<String> changeClasses, String description, String artifactSha256, String processInstanceId,
        Integer currentStep, Integer currentWeight, String previousVersion, Instant createdAt, Instant updatedAt,
        List<ReleaseEvent> history) {

    static ReleaseView of(Release r, List<ReleaseEvent> history) {
        return new ReleaseView(r.id(), r.appKey(), r.version(), r.requester(), r.state(), r.changeClasses(),
                r.description(), r.artifactSha256(), r.processInstanceId(), r.currentStep(), r.currentWeight(),
                r.previousVersion(), r.createdAt(), r.updatedAt(), history);
    }
}
