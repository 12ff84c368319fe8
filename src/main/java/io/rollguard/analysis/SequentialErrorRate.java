package io.rollguard.analysis;

/**
 * An anytime-valid test of "the canary fails more requests than the baseline": the mixture
 * sequential probability ratio test (mSPRT) of Johari, Koomen, Pekelis and Walsh ("Always Valid
 * Inference", 2017/2022) on the difference of two error rates, with the usual normal approximation
 * of the estimated difference.
 *
 * <p>With the difference {@code d = p_canary - p_baseline}, its estimate {@code d^} and that
 * estimate's variance under "no difference" {@code V = p(1-p)(1/n_canary + 1/n_baseline)} ({@code p}
 * the pooled rate), and a normal mixing distribution {@code N(0, tau^2)} over the alternatives, the
 * mixture likelihood ratio is
 * <pre>  L = sqrt(V / (V + tau^2)) * exp(tau^2 d^^2 / (2 V (V + tau^2)))</pre>
 * Under "no difference", {@code L} is a nonnegative martingale, so by Ville's inequality the chance
 * that it ever reaches {@code 1/alpha}, however often it is looked at, is at most {@code alpha}. The
 * test is one-sided: only a canary that is worse ({@code d^ > 0}) can cross. {@code tau} is the size
 * of difference the test is tuned to find fastest (an absolute error-rate difference, fixed before
 * the data, as the theory requires).
 *
 * <p>The pooled rate is smoothed with one error and one success ({@code (e + 1) / (n + 2)}), so two
 * slots without errors give a finite, tiny statistic instead of 0/0; thin data cannot cross.
 */
public final class SequentialErrorRate {

    private final double alpha;
    private final double tau;

    /**
     * @param alpha the false-rollback budget of this test (the chance it ever fails a canary that is
     *              no worse), 0 &lt; alpha &lt; 1
     * @param tau   the mixing scale: the absolute error-rate difference the test is tuned to, &gt; 0
     */
    public SequentialErrorRate(double alpha, double tau) {
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1), was " + alpha);
        }
        if (!(tau > 0 && Double.isFinite(tau))) {
            throw new IllegalArgumentException("tau must be a positive number, was " + tau);
        }
        this.alpha = alpha;
        this.tau = tau;
    }

    /**
     * The evidence after the counts so far: {@code statistic} is the mixture likelihood ratio,
     * {@code boundary} is {@code 1/alpha}, {@code crossed} says the canary is worse with the
     * test's guarantee.
     */
    public record Evidence(double statistic, double boundary, double difference, long canaryRequests,
            long baselineRequests, boolean crossed) {
    }

    public Evidence evidence(long canaryRequests, long canaryErrors, long baselineRequests, long baselineErrors) {
        check(canaryRequests, canaryErrors, "canary");
        check(baselineRequests, baselineErrors, "baseline");
        double boundary = 1 / alpha;
        if (canaryRequests == 0 || baselineRequests == 0) {
            return new Evidence(1, boundary, 0, canaryRequests, baselineRequests, false);
        }
        double difference = (double) canaryErrors / canaryRequests - (double) baselineErrors / baselineRequests;
        double pooled = (canaryErrors + baselineErrors + 1.0) / (canaryRequests + baselineRequests + 2.0);
        double v = pooled * (1 - pooled) * (1.0 / canaryRequests + 1.0 / baselineRequests);
        double statistic = likelihoodRatio(difference, v, tau * tau);
        return new Evidence(statistic, boundary, difference, canaryRequests, baselineRequests,
                difference > 0 && statistic >= boundary);
    }

    /** {@code sqrt(V/(V+t2)) * exp(t2 d^2 / (2 V (V+t2)))}, computed in logs so large evidence stays finite. */
    static double likelihoodRatio(double difference, double v, double tau2) {
        double log = 0.5 * Math.log(v / (v + tau2)) + tau2 * difference * difference / (2 * v * (v + tau2));
        return Math.exp(Math.min(log, 700));
    }

    private static void check(long requests, long errors, String slot) {
        if (requests < 0 || errors < 0 || errors > requests) {
            throw new IllegalArgumentException(slot + ": " + errors + " errors of " + requests + " requests");
        }
    }
}
