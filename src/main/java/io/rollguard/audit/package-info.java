/**
 * The audit trail: an append-only, hash-chained record of every decision and state change of every
 * release, written as release history is recorded; verifying the chain, exporting a period (CSV,
 * JSON) and one release's timeline, for auditors and admins. It reads, it never changes a release.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Audit trail")
package io.rollguard.audit;
