package io.rollguard.approval;

import java.util.List;
import java.util.Map;

import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.persistence.entity.DeploymentEntity;
import org.camunda.bpm.engine.impl.persistence.entity.ResourceEntity;
import org.springframework.stereotype.Component;

import io.rollguard.engine.DeploymentCheck;
import io.rollguard.engine.EngineRefusal;

/**
 * The only deployment a person makes (through Camunda's REST API or Cockpit) is a new version of
 * the approval policy: one {@code .dmn} file that {@link ApprovalPolicyValidator} accepts. Process
 * models, forms, scripts, other decisions and redeployments of older resources run code or replace
 * what Rollguard runs, so they are refused (403); a policy that is not valid gets 400 with every
 * reason. Rollguard's own deployment of {@code bpmn/} and {@code forms/} at start-up runs with no
 * authenticated user: only Rollguard's own code calls the engine that way, since every request
 * to the engine's API is authenticated.
 */
@Component
class ApprovalPolicyDeployments implements DeploymentCheck {

    @Override
    public void check(DeploymentEntity deployment, String authenticatedUser) {
        if (authenticatedUser == null) {
            return;
        }
        Map<String, ResourceEntity> resources = deployment.getResources();
        List<String> names = resources == null ? List.of() : resources.keySet().stream().sorted().toList();
        if (names.size() != 1 || !names.get(0).endsWith(".dmn")) {
            throw EngineRefusal.forbidden("Only a new approval policy may be deployed: one .dmn file with decision '"
                    + ApprovalPolicyValidator.DECISION_ID + "'. Process models, forms and scripts are Rollguard's own; "
                    + "this deployment has " + names);
        }
        if (deployment.getTenantId() != null) {
            throw EngineRefusal.invalid("The approval policy is not per tenant; deploy it without a tenant id");
        }
        ApprovalPolicyValidator validator = new ApprovalPolicyValidator(
                Context.getProcessEngineConfiguration().getDmnEngine());
        List<String> problems = validator.problems(resources.get(names.get(0)).getBytes());
        if (!problems.isEmpty()) {
            throw EngineRefusal.invalid("Not a valid approval policy (" + names.get(0) + "): "
                    + String.join("; ", problems));
        }
    }
}
