package io.rollguard.release.history;

import java.time.Instant;

/**
 * Published while a release event is written, inside the same transaction, so listeners such as
 * the audit trail commit or roll back together with the change they record. {@code type},
 * {@code actor} and {@code detail} are the texts stored for {@code fact}.
 */
public record ReleaseEventRecorded(String releaseId, Instant at, String type, String actor, String detail,
        ReleaseFact fact) {
}
