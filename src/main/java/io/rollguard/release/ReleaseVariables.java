package io.rollguard.release;

/** Names of process variables shared by the BPMN files and the delegates. */
public final class ReleaseVariables {
    public static final String RELEASE_ID = "releaseId";
    public static final String APP = "app";
    public static final String VERSION = "version";
    public static final String REQUESTER = "requester";
    public static final String CHANGE_CLASSES = "changeClasses";
    public static final String DIFF_SUMMARY = "diffSummary";
    /**
     * The approver's findings on the flows, one line each: why each class the node policy derived
     * from the added and changed nodes applies, then each node it marks high risk (empty when none).
     */
    public static final String CHANGE_EVIDENCE = "changeEvidence";
    public static final String SCHEMA_CHANGE = "schemaChange";
    public static final String INTEGRATION_CHANGE = "integrationChange";
    /** The release sets feature flags: an input of the approval policy (an ordinary change unless a rule says more). */
    public static final String FLAG_CHANGE = "flagChange";
    /** No new version: the rollout raises the flags' exposure only, the slots and traffic stay as they are. */
    public static final String FLAG_ONLY = "flagOnly";
    public static final String REQUIRED_GROUPS = "requiredGroups";
    public static final String APPROVER_GROUP = "approverGroup";
    public static final String REJECTED = "rejected";
    public static final String DECISION = "decision";
    public static final String COMMENT = "comment";
    /** A release manager's decision on a held analysis ({@code continue} or {@code rollback}), which the model routes on. */
    public static final String ANALYSIS_DECISION = "analysisDecision";
    public static final String PREFLIGHT_PASSED = "preflightPassed";
    public static final String PREFLIGHT_REPORT = "preflightReport";
    public static final String STEP_COUNT = "stepCount";
    public static final String STEP_INDEX = "stepIndex";
    public static final String STEP_PAUSE = "stepPause";
    public static final String STEP_STARTED_AT = "stepStartedAt";
    public static final String ON_FAILURE = "onFailure";
    public static final String VERDICT = "verdict";
    public static final String VERDICT_REASON = "verdictReason";
    public static final String FINAL_STATE = "finalState";
    /** {@code high} or {@code normal}: high when the changelog destroys data or a changed node is high risk; an approval policy input. */
    public static final String RISK = "risk";
    public static final String DESTRUCTIVE_CHANGES = "destructiveChanges";
    /** The dry run's report on the scratch copy, shown to the approvers of a data model change. */
    public static final String REVERSIBILITY_REPORT = "reversibilityReport";
    /** The uploaded changelog as the schema approver reads it, and one line per change it makes (migration check). */
    public static final String CHANGELOG_TEXT = "changelogText";
    public static final String CHANGELOG_CHANGES = "changelogChanges";
    /** The rollout and analysis the release will run, defaults filled in, and the app's floor it meets. */
    public static final String EFFECTIVE_PLAN = "effectivePlan";
    /** What a verification after a rollback found different, shown to the release manager who repairs it. */
    public static final String RESTORATION_DIFFERENCES = "restorationDifferences";
    /** Set on the rollback of a promoted release: data written while it was live is not compared with before. */
    public static final String AFTER_PROMOTION = "afterPromotion";

    public static final String MESSAGE_ABORT = "Message_AbortRelease";
    public static final String PREFLIGHT_CHECK_FAILED = "PreflightCheckFailed";
    /** A journey failed when run again before promotion: the rollout is undone like after a failed analysis. */
    public static final String JOURNEY_FAILED = "JourneyFailed";
    /** The app's flag store refused a flag step: the rollout is undone, flags first. */
    public static final String FLAG_STEP_FAILED = "FlagStepFailed";
    public static final String RESTORATION_MISMATCH = "RestorationMismatch";
    /** The type of the incident that stays open while a restoration differs from the state before. */
    public static final String INCIDENT_RESTORATION_MISMATCH = "restorationMismatch";

    public static final String PROCESS_LIFECYCLE = "releaseLifecycle";
    public static final String PROCESS_ROLLBACK = "releaseRollback";
    /** Called by both: verify the restoration, and hand a mismatch to a release manager until none is left. */
    public static final String PROCESS_RESTORATION = "releaseRestoration";

    private ReleaseVariables() {
    }
}
