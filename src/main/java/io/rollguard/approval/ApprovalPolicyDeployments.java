package io.rollguard.approval;

import java.util.List;
import java.util.Map;

import org.camunda.bpm.dmn.engine.DmnEngine;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.persistence.entity.DeploymentEntity;
import org.camunda.bpm.engine.impl.persistence.entity.ResourceEntity;
import org.springframework.stereotype.Component;

import io.rollguard.engine.DeploymentCheck;
import io.rollguard.engine.EngineRefusal;
import io.rollguard.policy.NodePolicyValidator;
import io.rollguard.policy.PolicyDmn;

/**
 * The only deployment a person makes (through Camunda's REST API or Cockpit) is a new version of
 * a policy: one {@code .dmn} file that {@link ApprovalPolicyValidator} accepts, or, when its
 * decision is {@code nodePolicy}, one that {@link NodePolicyValidator} accepts. Process
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
                    + ApprovalPolicyValidator.DECISION_ID + "' (or a node policy, decision '"
                    + NodePolicyValidator.DECISION_ID + "'). Process models, forms and scripts are Rollguard's own; "
                    + "this deployment has " + names);
        }
        if (deployment.getTenantId() != null) {
            throw EngineRefusal.invalid("A policy is not per tenant; deploy it without a tenant id");
        }
        DmnEngine dmn = Context.getProcessEngineConfiguration().getDmnEngine();
        byte[] file = resources.get(names.get(0)).getBytes();
        // the file says which policy it means to be; anything else is judged as an approval policy
        if (PolicyDmn.decisionIds(file).contains(NodePolicyValidator.DECISION_ID)) {
            List<String> problems = new NodePolicyValidator(dmn).problems(file);
            if (!problems.isEmpty()) {
                throw EngineRefusal.invalid("Not a valid node policy (" + names.get(0) + "): "
                        + String.join("; ", problems));
            }
            return;
        }
        List<String> problems = new ApprovalPolicyValidator(dmn).problems(file);
        if (!problems.isEmpty()) {
            throw EngineRefusal.invalid("Not a valid approval policy (" + names.get(0) + "): "
                    + String.join("; ", problems));
        }
    }
}
