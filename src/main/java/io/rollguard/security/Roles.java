package io.rollguard.security;

import java.util.List;

/** The groups of DESIGN.md; they are Camunda groups, Spring authorities and task candidate groups at once. */
final class Roles {
    public static final String REQUESTER = "requester";
    public static final String APPROVER = "approver";
    public static final String SCHEMA_APPROVER = "schema-approver";
    public static final String INTEGRATION_APPROVER = "integration-approver";
    public static final String RELEASE_MANAGER = "release-manager";
    public static final String AUDITOR = "auditor";
    public static final String ADMIN = "admin";

    public static final List<String> ALL = List.of(REQUESTER, APPROVER, SCHEMA_APPROVER, INTEGRATION_APPROVER,
            RELEASE_MANAGER, AUDITOR, ADMIN);

    private Roles() {
    }
}
