package io.rollguard.release;

import java.util.stream.Collectors;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

import io.rollguard.release.descriptor.ChangeClass;
import io.rollguard.release.descriptor.ReleaseDescriptor;

/** Re-reads the stored descriptor and derives what the approval policy and the rollout need. */
@Component
class ValidateDescriptorDelegate implements JavaDelegate {

    private final ReleaseContexts contexts;
    private final SchemaChanges schemaChanges;

    ValidateDescriptorDelegate(ReleaseContexts contexts, SchemaChanges schemaChanges) {
        this.contexts = contexts;
        this.schemaChanges = schemaChanges;
    }

    @Override
    public void execute(DelegateExecution execution) {
        ReleaseContext ctx = contexts.of(execution);
        ReleaseDescriptor d = ctx.descriptor();
        execution.setVariable(ReleaseVariables.SCHEMA_CHANGE, d.changeClasses().contains(ChangeClass.SCHEMA));
        execution.setVariable(ReleaseVariables.INTEGRATION_CHANGE, d.changeClasses().contains(ChangeClass.INTEGRATION));
        execution.setVariable(ReleaseVariables.CHANGE_CLASSES,
                d.changeClasses().stream().map(ChangeClass::id).collect(Collectors.joining(", ")));
        execution.setVariable(ReleaseVariables.DIFF_SUMMARY, ReleaseDiff.summary(ctx));
        execution.setVariable(ReleaseVariables.STEP_COUNT, d.rollout().steps().size());
        execution.setVariable(ReleaseVariables.STEP_INDEX, 0);
        execution.setVariable(ReleaseVariables.ON_FAILURE, d.rollout().onFailure().name().toLowerCase());
        execution.setVariable(ReleaseVariables.REJECTED, false);
        // data a rollback alone cannot bring back makes the release high risk for its approvers
        String destructive = schemaChanges.destructiveChanges(ctx.release().id());
        execution.setVariable(ReleaseVariables.RISK, destructive == null ? "normal" : "high");
        execution.setVariable(ReleaseVariables.DESTRUCTIVE_CHANGES, destructive);
    }
}
