package io.rollguard.release.history;

import java.time.Instant;

/**
 * One line of a release's history: when, and the fact. {@code type}, {@code actor} (null for the
 * platform) and {@code detail} are the texts stored with it, which the audit trail hashed; readers
 * take what they need from {@code fact}.
 */
public record ReleaseEvent(Instant at, String type, String actor, String detail, ReleaseFact fact) {
}
