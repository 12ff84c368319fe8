package io.rollguard.app;

public enum SlotName {
    STABLE, CANARY;

    public String id() {
        return name().toLowerCase();
    }
}
