package io.rollguard.flags;

import org.apache.commons.codec.digest.MurmurHash3;

/**
 * Unleash's own decision for a flag Rollguard wrote ({@link UnleashFlagStore}), computed here so
 * the built-in router puts each request of an app on Unleash in the cohort the app's
 * unleash-client puts it in. {@code flexibleRollout} normalizes {@code murmur3_x86_32("groupId:userId",
 * seed 0) % 100 + 1} and matches when that is at most the rollout (unleash-client's
 * {@code normalizedStrategyValue}); its murmur hashes each character's low byte, as here.
 */
final class UnleashRollout {

    private UnleashRollout() {
    }

    static boolean exposed(StoredFlag flag, String targetingKey, String tenant) {
        if (flag == null || !flag.state().enabled()) {
            return false;
        }
        FlagState state = flag.state();
        // the new variant is what the strategies serve on a match; a flag whose new variant is the
        // default one is impossible (FlagDefinition refuses it)
        if (tenant != null && !tenant.isEmpty() && state.tenants().contains(tenant)) {
            return true;
        }
        if (targetingKey == null || targetingKey.isEmpty()) {
            return false;
        }
        return state.percentage() > 0 && normalized(flag.definition().key(), targetingKey) <= state.percentage();
    }

    /** 1..100, as unleash-client's {@code normalizedStrategyValue(userId, groupId)}. */
    static int normalized(String groupId, String userId) {
        String text = groupId + ":" + userId;
        byte[] bytes = new byte[text.length()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) text.charAt(i);
        }
        long hash = Integer.toUnsignedLong(MurmurHash3.hash32x86(bytes, 0, bytes.length, 0));
        return (int) (hash % 100) + 1;
    }
}
