package io.rollguard.engine;

import java.util.ArrayList;
import java.util.List;

import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.cfg.ProcessEnginePlugin;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.interceptor.Command;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.camunda.bpm.engine.impl.interceptor.CommandInterceptor;
import org.camunda.bpm.engine.impl.persistence.deploy.Deployer;
import org.camunda.bpm.engine.impl.persistence.entity.DeploymentEntity;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Puts Rollguard's rules inside the engine, where every way in passes: Camunda's REST API,
 * Tasklist and Cockpit (which use it) and the Java API alike.
 * <ul>
 * <li>a command interceptor behind the command context (so a guard can read the task a command is
 * about, in the command's transaction) runs every {@link CommandGuard} before the command;</li>
 * <li>a deployer ahead of the engine's own runs every {@link DeploymentCheck} on each new
 * deployment with its final resources, so a redeployment of older resources is seen too.</li>
 * </ul>
 * The guards are looked up when first needed: the engine is built before most beans exist.
 */
@Component
class EngineGuardsPlugin implements ProcessEnginePlugin {

    private final ObjectProvider<CommandGuard> guards;
    private final ObjectProvider<DeploymentCheck> deploymentChecks;

    EngineGuardsPlugin(ObjectProvider<CommandGuard> guards, ObjectProvider<DeploymentCheck> deploymentChecks) {
        this.guards = guards;
        this.deploymentChecks = deploymentChecks;
    }

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        configuration.setCustomPostCommandInterceptorsTxRequired(
                with(configuration.getCustomPostCommandInterceptorsTxRequired(), new GuardInterceptor()));
        configuration.setCustomPostCommandInterceptorsTxRequiresNew(
                with(configuration.getCustomPostCommandInterceptorsTxRequiresNew(), new GuardInterceptor()));
        configuration.setCustomPreDeployers(with(configuration.getCustomPreDeployers(), new CheckingDeployer()));
    }

    @Override
    public void postInit(ProcessEngineConfigurationImpl configuration) {
        // nothing to do once the configuration is complete
    }

    @Override
    public void postProcessEngineBuild(ProcessEngine processEngine) {
        // nothing to do once the engine is built
    }

    private static <T> List<T> with(List<T> existing, T added) {
        List<T> all = existing == null ? new ArrayList<>() : new ArrayList<>(existing);
        all.add(added);
        return all;
    }

    private final class GuardInterceptor extends CommandInterceptor {
        @Override
        public <T> T execute(Command<T> command) {
            CommandContext context = Context.getCommandContext();
            guards.orderedStream().forEach(guard -> guard.check(command, context));
            return next.execute(command);
        }
    }

    private final class CheckingDeployer implements Deployer {
        @Override
        public void deploy(DeploymentEntity deployment) {
            // the deployment cache deploys known deployments again to parse them after a restart
            if (!deployment.isNew()) {
                return;
            }
            String user = Context.getCommandContext().getAuthenticatedUserId();
            deploymentChecks.orderedStream().forEach(check -> check.check(deployment, user));
        }
    }
}
