package io.rollguard.release;

import org.springframework.stereotype.Component;

/** The one writer of a release's state: the state and its STATE history entry, together. */
@Component
class ReleaseStates {

    private final ReleaseRepository releases;

    ReleaseStates(ReleaseRepository releases) {
        this.releases = releases;
    }

    void enter(String releaseId, ReleaseState state, String detail) {
        Release current = releases.get(releaseId);
        if (current.state() == state) {
            return;
        }
        releases.updateState(releaseId, state);
        releases.addEvent(releaseId, "STATE", null, state.name() + (detail == null ? "" : ": " + detail));
    }
}
