package io.rollguard.platform;

import io.rollguard.app.App;
import io.rollguard.app.SlotName;

/**
 * Where a low-code app runs. Every call is idempotent: deploying what a slot already runs
 * changes nothing, so a step retried after a crash never applies twice.
 */
public interface TargetPlatform {

    /**
     * What the slot really runs right now: the app's flows without the entries Rollguard manages
     * (so a slot hashes like the release's artifact) and, apart, the managed environment with the
     * references of its secrets, never their values.
     */
    SlotContent read(App app, SlotName slot);

    /**
     * Makes the slot run these flows with exactly this managed environment (an entry the slot has
     * and {@code environment} lacks is removed); returns true when something had to change. Read
     * back afterwards: flows hash and environment ({@link SlotEnvironment#sameAs}) must be what was
     * asked for, else {@link TargetPlatformException} naming what differs.
     *
     * <p>A secret needs its value unless the slot already holds that secret under the same reference
     * (a reference names one version of a secret, so the slot's value is the right one); one the slot
     * does not hold and that comes without a value is refused ({@link IllegalArgumentException}) before
     * anything changes. Flows that carry Rollguard's own bookkeeping, or that define themselves an
     * entry the environment manages, are refused the same way.
     */
    boolean deploy(App app, SlotName slot, String flowsJson, SlotEnvironment environment);

    /**
     * Makes the slot run these flows and keeps the managed environment it has now: what every caller
     * meant before Rollguard managed slot environments, and the same as before for a slot without
     * one. Keeping a secret needs no value only while the slot keeps it where it is (see
     * {@link #deploy(App, SlotName, String, SlotEnvironment)}); flows that would move it elsewhere are
     * refused rather than deployed with a secret that lost its value.
     */
    default boolean deploy(App app, SlotName slot, String flowsJson) {
        return deploy(app, slot, flowsJson, read(app, slot).environment());
    }

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

    /**
     * What a slot runs: the app's flows and their canonical hash, and the managed environment as
     * read back (secret references only: a value given here is dropped).
     */
    record SlotContent(String flowsJson, String hash, SlotEnvironment environment) {
        public SlotContent {
            environment = environment == null ? SlotEnvironment.EMPTY : environment.withoutSecretValues();
        }

        /** A slot without a managed environment. */
        public SlotContent(String flowsJson, String hash) {
            this(flowsJson, hash, SlotEnvironment.EMPTY);
        }
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
