package io.rollguard.app;

import java.util.Set;

/**
 * A registered low-code app: who owns it, where its two Node-RED slots run, and which router
 * route sends its users there.
 */
public record App(
        String key,
        Set<String> owners,
        Slot stable,
        Slot canary,
        String adminToken,
        String route,
        String currentVersion) {

    /** A slot is reached twice: its Admin API (never exposed to users) and its app traffic base. */
    public record Slot(String adminUrl, String trafficUrl) {
    }

    public Slot slot(SlotName name) {
        return name == SlotName.STABLE ? stable : canary;
    }

    public boolean isOwnedBy(String userId) {
        return owners.contains(userId);
    }

    public App withCurrentVersion(String version) {
        return new App(key, owners, stable, canary, adminToken, route, version);
    }
}
