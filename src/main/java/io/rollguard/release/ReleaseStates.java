package io.rollguard.release;

import org.springframework.stereotype.Component;

import io.rollguard.release.history.ReleaseFact;
import io.rollguard.release.history.ReleaseHistory;

/** The one writer of a release's state: the state and its STATE history entry, together. */
@Component
class ReleaseStates {

    private final ReleaseRepository releases;
    private final ReleaseHistory history;

    ReleaseStates(ReleaseRepository releases, ReleaseHistory history) {
        this.releases = releases;
        this.history = history;
    }

    void enter(String releaseId, ReleaseState state, String detail) {
        Release current = releases.get(releaseId);
        if (current.state() == state) {
            return;
        }
        releases.updateState(releaseId, state);
        history.record(releaseId, new ReleaseFact.StateChanged(state, detail));
    }
}
