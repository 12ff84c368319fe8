package io.rollguard.release.descriptor;

public enum ChangeClass {
    ORDINARY, SCHEMA, INTEGRATION;

    public String id() {
        return name().toLowerCase();
    }
}
