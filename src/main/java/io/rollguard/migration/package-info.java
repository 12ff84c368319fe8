/**
 * A release's data-model change through its life: the Liquibase changelog checked at submission
 * (screened for what it may touch, every changeset reversible), proven reversible on a scratch copy
 * in preflight, applied after a tag, data that destructive changes remove copied aside, rolled back
 * by compensation and verified against the state before. Answers release's
 * {@link io.rollguard.release.SchemaChanges} questions.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Data migration")
package io.rollguard.migration;
