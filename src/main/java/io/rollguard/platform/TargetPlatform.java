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

    /**
     * One request of a preflight journey against the slot's app traffic base, not through the
     * router, with the smoke request's timeouts. {@code body} may be null; the answer's body is read
     * up to {@link #MAX_ANSWER_BYTES}.
     */
    HttpAnswer exchange(App app, SlotName slot, String method, String path, java.util.Map<String, String> headers,
            String body);

    int MAX_ANSWER_BYTES = 1024 * 1024;

    record SlotContent(String flowsJson, String hash) {
    }

    /** The status and body of an answer, or why there was none ({@code error}, status 0). */
    record HttpAnswer(int status, String body, String error) {
        public boolean answered() {
            return error == null;
        }
    }

    record SmokeResult(int status, long millis, String error) {
        public boolean answered() {
            return error == null;
        }
    }
}
