package io.rollguard.release;

import java.time.Instant;

/** One line of a release's history: what happened, when, and who did it (null for the platform). */
public record ReleaseEvent(Instant at, String type, String actor, String detail) {
}
