package io.rollguard.release;

import java.time.Instant;
import java.util.List;

public record Release(
        String id,
        String appKey,
        String version,
        String requester,
        ReleaseState state,
        List<String> changeClasses,
        String description,
        String descriptorYaml,
        String artifact,
        String artifactSha256,
        String processInstanceId,
        Integer currentStep,
        Integer currentWeight,
        String previousVersion,
        Instant createdAt,
        Instant updatedAt) {

    /** No artifact of its own: the release raises its flags' exposure while the app runs what it runs. */
    public boolean flagOnly() {
        return artifact == null;
    }
}
