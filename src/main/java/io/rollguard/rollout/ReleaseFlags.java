package io.rollguard.rollout;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import io.rollguard.flags.FlagChanges;
import io.rollguard.flags.FlagCohorts;
import io.rollguard.flags.FlagDefinition;
import io.rollguard.flags.FlagState;
import io.rollguard.flags.FlagStoreException;
import io.rollguard.release.ReleaseContext;
import io.rollguard.release.descriptor.ReleaseDescriptor;

/**
 * A release's {@code flags[]} as flag changes: each step sets every flag to its state at that
 * step; undoing puts every flag the release touched back to its state before the release.
 */
@Service
public class ReleaseFlags {

    private static final Logger log = LoggerFactory.getLogger(ReleaseFlags.class);

    private final FlagChanges changes;
    private final FlagCohorts cohorts;

    ReleaseFlags(FlagChanges changes, FlagCohorts cohorts) {
        this.changes = changes;
        this.cohorts = cohorts;
    }

    /** Thrown when the store refused a step; the flags it reached are already back. */
    static final class StepRefused extends RuntimeException {

        StepRefused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    boolean hasFlags(ReleaseContext ctx) {
        return !ctx.descriptor().flags().isEmpty();
    }

    /**
     * Sets the flags to their state at {@code step}. If the store refuses, what this step already
     * wrote is restored here (the step did not complete, so no compensation handler covers it)
     * before {@link StepRefused} says why.
     */
    void applyStep(ReleaseContext ctx, int step) {
        if (!hasFlags(ctx)) {
            return;
        }
        try {
            changes.applyStep(ctx.app(), ctx.release().id(), toChanges(ctx.descriptor()), step);
            if (ctx.descriptor().flagOnly()) {
                // the analysis compares the requests that get a new variant with those that do not
                cohorts.judge(ctx.app().key(), ctx.release().id(),
                        ctx.descriptor().flags().stream().map(ReleaseDescriptor.Flag::key).toList());
            }
        } catch (FlagStoreException e) {
            String restored;
            try {
                List<String> left = changes.restore(ctx.app(), ctx.release().id(), "flag step " + (step + 1)
                        + " was refused: " + e.getMessage());
                restored = left.isEmpty() ? "the release's flags are back to their state before it"
                        : "restoring the flags left differences: " + String.join("; ", left);
            } catch (FlagStoreException again) {
                log.warn("release {}: restoring flags after a refused step failed too", ctx.release().id(), again);
                restored = "restoring the flags failed too (" + again.getMessage() + "); the rollback retries it";
            }
            throw new StepRefused("flag step " + (step + 1) + " was refused by the app's flag store: " + e.getMessage()
                    + "; " + restored, e);
        }
    }

    /** Every flag the release touched back to its state before; what still differs, one line per flag. */
    List<String> restore(ReleaseContext ctx, String why) {
        cohorts.stop(ctx.app().key(), ctx.release().id());
        return changes.restore(ctx.app(), ctx.release().id(), why);
    }

    /** Promoted: the flags stay at their last step, nobody is judged any more. */
    void judged(ReleaseContext ctx) {
        cohorts.stop(ctx.app().key(), ctx.release().id());
    }

    static List<FlagChanges.ReleaseFlag> toChanges(ReleaseDescriptor descriptor) {
        return descriptor.flags().stream().map(ReleaseFlags::toChange).toList();
    }

    private static FlagChanges.ReleaseFlag toChange(ReleaseDescriptor.Flag flag) {
        // a boolean flag may expose "off" as its new variant (turning a feature off step by step)
        FlagDefinition definition = flag.isBoolean()
                ? new FlagDefinition(flag.key(), FlagDefinition.booleanFlag(flag.key()).variants(), flag.defaultVariant(),
                        flag.newVariant())
                : new FlagDefinition(flag.key(), flag.variants(), flag.defaultVariant(), flag.newVariant());
        List<FlagState> steps = flag.steps().stream()
                .map(s -> new FlagState(s.enabled(), s.percentage(), s.tenants()))
                .toList();
        return new FlagChanges.ReleaseFlag(definition, steps);
    }
}
