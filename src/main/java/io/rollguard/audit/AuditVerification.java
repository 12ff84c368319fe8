package io.rollguard.audit;

import java.time.Instant;

/**
 * The outcome of checking the chain over a period: OK with the number of entries checked, or the
 * first entry whose hash or link to its predecessor does not hold, and why.
 */
public record AuditVerification(Instant from, Instant to, boolean ok, long checked, Long firstBrokenId,
        String problem) {
}
