package io.rollguard.release;

import java.time.Instant;

/**
 * Published while a release event is written, inside the same transaction, so listeners such as
 * the audit trail commit or roll back together with the change they record.
 */
public record ReleaseEventRecorded(String releaseId, Instant at, String type, String actor, String detail) {
}
