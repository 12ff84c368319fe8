package io.rollguard.engine;

import org.camunda.bpm.engine.impl.persistence.entity.DeploymentEntity;

/**
 * Decides whether a new deployment may be made, with every resource it will contain (including the
 * ones a redeployment copies from older deployments). Throws an {@link EngineRefusal} to refuse it.
 */
public interface DeploymentCheck {

    /**
     * @param authenticatedUser the user the deployment is made for (REST, Cockpit), or null for
     *        Rollguard's own deployment at start-up
     */
    void check(DeploymentEntity deployment, String authenticatedUser);
}
