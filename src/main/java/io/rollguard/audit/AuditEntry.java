package io.rollguard.audit;

import java.time.Instant;

/** One row of the audit trail; {@code id} is its position in the hash chain (1, 2, 3, ...). */
public record AuditEntry(long id, Instant at, String releaseId, String type, String actor, String detail,
        String prevHash, String hash) {
}
