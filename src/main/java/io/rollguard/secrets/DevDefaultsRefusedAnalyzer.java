package io.rollguard.secrets;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Tells the operator which property holds a dev value and what to do, instead of a stack trace. */
public class DevDefaultsRefusedAnalyzer extends AbstractFailureAnalyzer<DevDefaultsRefused> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, DevDefaultsRefused cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Give each of these its own value through the environment (ROLLGUARD_SECRET_KEY, "
                        + "NODE_RED_STABLE_ADMIN_TOKEN, NODE_RED_CANARY_ADMIN_TOKEN, ROLLGUARD_KEYCLOAK_WEB_SECRET, "
                        + "ROLLGUARD_KEYCLOAK_CAMUNDA_SECRET, ROLLGUARD_DB_PASSWORD, ROLLGUARD_LOCAL_USERS_REALM_FILE, ...): "
                        + "the values of stack/dev-defaults.yaml and the dev realm's users are for the embedded "
                        + "default (no profile) only. See README, \"Secrets and defaults\".",
                cause);
    }
}
