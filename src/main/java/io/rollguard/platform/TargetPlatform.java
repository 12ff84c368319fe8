package io.rollguard.platform;

import io.rollguard.app.App;
import io.rollguard.app.SlotName;

/**
 * Where a low-code app runs. Every call is idempotent: deploying what a slot already runs
 * changes nothing, so a step retried after a crash never applies twice.
 */
public interface TargetPlatform {

    /** What the slot really runs right now. */
    SlotContent read(App app, SlotName slot);

    /** Makes the slot run these flows; returns true when something had to change. */
    boolean deploy(App app, SlotName slot, String flowsJson);

    /** One request against the slot's app traffic base, not through the router. */
    SmokeResult smoke(App app, SlotName slot, String path);

    record SlotContent(String flowsJson, String hash) {
    }

    record SmokeResult(int status, long millis, String error) {
        public boolean answered() {
            return error == null;
        }
    }
}
