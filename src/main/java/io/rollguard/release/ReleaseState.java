package io.rollguard.release;

public enum ReleaseState {
    AWAITING_APPROVAL, REJECTED, PREFLIGHT, PREFLIGHT_FAILED, ROLLING_OUT, ON_HOLD, PROMOTED, ROLLING_BACK,
    ROLLED_BACK, ABORTED;

    /** Before promotion a requester may still abort; afterwards only a release manager's rollback undoes it. */
    public boolean isAbortable() {
        return this == AWAITING_APPROVAL || this == PREFLIGHT || this == ROLLING_OUT || this == ON_HOLD;
    }

    /** A release in one of these states no longer holds its app. */
    public boolean isFinished() {
        return this == REJECTED || this == PREFLIGHT_FAILED || this == PROMOTED || this == ROLLED_BACK
                || this == ABORTED;
    }
}
