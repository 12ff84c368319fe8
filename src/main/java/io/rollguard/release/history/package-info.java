/**
 * A release's history as typed facts: what each writer records ({@link io.rollguard.release.history.ReleaseFact}),
 * the one bean that writes and reads them ({@link io.rollguard.release.history.ReleaseHistory}), and the event the
 * audit trail appends from.
 */
@org.springframework.modulith.NamedInterface("history")
package io.rollguard.release.history;
