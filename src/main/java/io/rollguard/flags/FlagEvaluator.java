package io.rollguard.flags;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The one evaluation of a flag for a request: what the OFREP endpoint answers the app and what
 * the built-in router uses to put the request in its cohort, so the two never disagree. Pure: the
 * flag as the store holds it and the request's targeting key and tenant in, the variant out.
 */
public final class FlagEvaluator {

    /** Buckets of the sticky split: a percentage is a whole number, so 1/100 of a percent is exact enough. */
    static final int BUCKETS = 10_000;

    private FlagEvaluator() {
    }

    /** OFREP's reasons; {@code ERROR} goes with an error code. */
    public enum Reason { STATIC, TARGETING_MATCH, SPLIT, DISABLED, DEFAULT, ERROR }

    /** OFREP's error codes for one flag. */
    public enum ErrorCode { FLAG_NOT_FOUND, TARGETING_KEY_MISSING }

    /** {@code value} and {@code variant} are null only with an error code. */
    public record Evaluation(String key, JsonNode value, String variant, Reason reason, ErrorCode error, String detail) {

        public boolean failed() {
            return error != null;
        }
    }

    public static Evaluation evaluate(String key, StoredFlag flag, String targetingKey, String tenant) {
        if (flag == null) {
            return new Evaluation(key, null, null, Reason.ERROR, ErrorCode.FLAG_NOT_FOUND,
                    "flag '" + key + "' does not exist");
        }
        FlagDefinition d = flag.definition();
        FlagState s = flag.state();
        if (!s.enabled()) {
            return served(d, d.defaultVariant(), Reason.DISABLED);
        }
        if (tenant != null && !tenant.isEmpty() && s.tenants().contains(tenant)) {
            return served(d, d.newVariant(), Reason.TARGETING_MATCH);
        }
        if (s.percentage() >= 100) {
            return served(d, d.newVariant(), s.tenants().isEmpty() ? Reason.STATIC : Reason.TARGETING_MATCH);
        }
        if (s.percentage() <= 0) {
            return served(d, d.defaultVariant(), Reason.DEFAULT);
        }
        if (targetingKey == null || targetingKey.isEmpty()) {
            return new Evaluation(key, null, null, Reason.ERROR, ErrorCode.TARGETING_KEY_MISSING,
                    "flag '" + key + "' is split by percentage: it needs a targetingKey");
        }
        boolean in = bucket(d.key(), targetingKey) < s.percentage() * (BUCKETS / 100);
        return served(d, in ? d.newVariant() : d.defaultVariant(), Reason.SPLIT);
    }

    /** Whether the request gets the flag's new variant (a failed evaluation: the app serves its default, so no). */
    public static boolean exposed(StoredFlag flag, String targetingKey, String tenant) {
        if (flag == null) {
            return false;
        }
        Evaluation e = evaluate(flag.definition().key(), flag, targetingKey, tenant);
        return !e.failed() && flag.definition().newVariant().equals(e.variant());
    }

    /**
     * The sticky bucket of a targeting key for a flag, 0..9999: the same key always lands in the
     * same bucket, so raising the percentage only ever adds users; the flag key is part of the hash
     * so two flags at 10 % do not expose the same users.
     */
    static int bucket(String flagKey, String targetingKey) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest((flagKey + "\u0000" + targetingKey).getBytes(StandardCharsets.UTF_8));
            long n = ((h[0] & 0xFFL) << 24) | ((h[1] & 0xFFL) << 16) | ((h[2] & 0xFFL) << 8) | (h[3] & 0xFFL);
            return (int) (n % BUCKETS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static Evaluation served(FlagDefinition d, String variant, Reason reason) {
        return new Evaluation(d.key(), d.variants().get(variant), variant, reason, null, null);
    }
}
