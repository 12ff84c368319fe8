package io.rollguard.security;

import static org.camunda.bpm.engine.authorization.Authorization.ANY;
import static org.camunda.bpm.engine.authorization.Authorization.AUTH_TYPE_GRANT;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.camunda.bpm.engine.AuthorizationService;
import org.camunda.bpm.engine.FilterService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.authorization.Authorization;
import org.camunda.bpm.engine.authorization.Permission;
import org.camunda.bpm.engine.authorization.Permissions;
import org.camunda.bpm.engine.authorization.ProcessDefinitionPermissions;
import org.camunda.bpm.engine.authorization.ProcessInstancePermissions;
import org.camunda.bpm.engine.authorization.Resource;
import org.camunda.bpm.engine.authorization.Resources;
import org.camunda.bpm.engine.authorization.UserOperationLogCategoryPermissions;
import org.camunda.bpm.engine.filter.Filter;
import org.camunda.bpm.engine.authorization.Groups;
import org.camunda.bpm.engine.identity.Group;
import org.camunda.bpm.engine.identity.User;
import org.camunda.bpm.engine.task.TaskQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Camunda's side of the permission model: groups, local users, and the authorizations that
 * decide what each group may see and do in Tasklist, Cockpit and the Camunda REST API.
 * Idempotent, runs at every start so a changed model is applied.
 *
 * Task work itself is not granted here: candidate groups get it per task from the engine,
 * and the four-eyes listener revokes it from the requester on each approval task.
 */
@Component
@Order(0)
@EnableConfigurationProperties(LocalUsersProperties.class)
class CamundaAuthorizations implements ApplicationRunner {

    static final String MY_GROUP_TASKS_FILTER = "My group tasks";
    static final String SYSTEM_USER = "rollguardsystem";

    private static final Logger log = LoggerFactory.getLogger(CamundaAuthorizations.class);

    private final IdentityService identityService;
    private final AuthorizationService authorizationService;
    private final FilterService filterService;
    private final TaskService taskService;
    private final LocalUsersProperties localUsers;
    private final KeycloakProperties keycloak;

    CamundaAuthorizations(IdentityService identityService, AuthorizationService authorizationService,
            FilterService filterService, TaskService taskService, LocalUsersProperties localUsers,
            KeycloakProperties keycloak) {
        this.identityService = identityService;
        this.authorizationService = authorizationService;
        this.filterService = filterService;
        this.taskService = taskService;
        this.localUsers = localUsers;
        this.keycloak = keycloak;
    }

    @Override
    public void run(ApplicationArguments args) {
        // with the Keycloak identity plugin, groups and users live in Keycloak (read-only here)
        if (!identityService.isReadOnly()) {
            Roles.ALL.forEach(this::ensureGroup);
        }
        List<LocalUsersProperties.LocalUser> users = keycloak.enabled() ? List.of() : localUsers.load();
        users.forEach(this::ensureUser);
        closeInitialSetup();
        String filterId = ensureMyGroupTasksFilter();

        AuthorizationPlan plan = new AuthorizationPlan();
        for (String group : Roles.ALL) {
            plan.grant(group, Resources.APPLICATION, "tasklist", Permissions.ACCESS);
            plan.grant(group, Resources.FILTER, filterId, Permissions.READ);
            // a task form shows the process it belongs to
            plan.grant(group, Resources.PROCESS_DEFINITION, ANY, Permissions.READ);
        }
        // auditors, release managers and admins read everything in Cockpit; none of them may change a
        // release's process there (cancel, modify, suspend, set variables, delete history): a release
        // changes only through its own steps, so the process stays the evidence of what happened
        for (String reader : List.of(Roles.AUDITOR, Roles.RELEASE_MANAGER, Roles.ADMIN)) {
            plan.grant(reader, Resources.APPLICATION, "cockpit", Permissions.ACCESS);
            plan.grant(reader, Resources.PROCESS_DEFINITION, ANY, Permissions.READ, Permissions.READ_HISTORY,
                    Permissions.READ_INSTANCE, Permissions.READ_TASK);
            plan.grant(reader, Resources.PROCESS_INSTANCE, ANY, Permissions.READ);
            plan.grant(reader, Resources.DECISION_DEFINITION, ANY, Permissions.READ, Permissions.READ_HISTORY);
            plan.grant(reader, Resources.DECISION_REQUIREMENTS_DEFINITION, ANY, Permissions.READ);
            plan.grant(reader, Resources.DEPLOYMENT, ANY, Permissions.READ);
            plan.grant(reader, Resources.TASK, ANY, Permissions.READ);
            plan.grant(reader, Resources.OPERATION_LOG_CATEGORY, ANY, UserOperationLogCategoryPermissions.READ);
        }
        // Admins run the platform: they change the approval policy (a new DMN deployment), retry failed
        // steps and look at identities. They get no task work and no grant on authorizations: either
        // would let an admin approve a release, their own included, around the four-eyes rule.
        plan.grant(Roles.ADMIN, Resources.APPLICATION, "admin", Permissions.ACCESS);
        plan.grant(Roles.ADMIN, Resources.DEPLOYMENT, ANY, Permissions.CREATE);
        plan.grant(Roles.ADMIN, Resources.PROCESS_DEFINITION, ANY, ProcessDefinitionPermissions.RETRY_JOB);
        plan.grant(Roles.ADMIN, Resources.PROCESS_INSTANCE, ANY, ProcessInstancePermissions.RETRY_JOB);
        plan.grant(Roles.ADMIN, Resources.DECISION_DEFINITION, ANY, Permissions.CREATE_INSTANCE);
        for (Resources identity : List.of(Resources.USER, Resources.GROUP, Resources.TENANT, Resources.AUTHORIZATION)) {
            plan.grant(Roles.ADMIN, identity, ANY, Permissions.READ);
        }
        plan.apply();
        log.info("Camunda groups, {} local users and authorizations are in place", users.size());
    }

    /**
     * Camunda's webapps offer anyone an "initial setup" page that creates a Camunda
     * administrator as long as no user is in the group {@code camunda-admin}. Rollguard seeds its
     * own admins, so that door must never be open: a system account with an unguessable,
     * never-stored password is put in that group (the setup API is also denied by the filter
     * chain). Our admins stay in our {@code admin} group, which keeps four-eyes authorizations
     * effective for them too.
     */
    private void closeInitialSetup() {
        if (identityService.isReadOnly()) {
            return;
        }
        if (identityService.createUserQuery().memberOfGroup(Groups.CAMUNDA_ADMIN).count() > 0) {
            return;
        }
        ensureGroup(Groups.CAMUNDA_ADMIN);
        if (identityService.createUserQuery().userId(SYSTEM_USER).count() == 0) {
            User system = identityService.newUser(SYSTEM_USER);
            system.setFirstName("Rollguard");
            system.setLastName("System");
            system.setPassword(UUID.randomUUID() + "-" + UUID.randomUUID());
            identityService.saveUser(system);
        }
        identityService.createMembership(SYSTEM_USER, Groups.CAMUNDA_ADMIN);
    }

    private void ensureGroup(String id) {
        if (identityService.createGroupQuery().groupId(id).count() == 0) {
            Group group = identityService.newGroup(id);
            group.setName(id);
            group.setType("WORKFLOW");
            identityService.saveGroup(group);
        }
    }

    private void ensureUser(LocalUsersProperties.LocalUser local) {
        User user = identityService.createUserQuery().userId(local.id()).singleResult();
        if (user == null) {
            user = identityService.newUser(local.id());
            user.setFirstName(local.firstName());
            user.setLastName(local.lastName());
            user.setEmail(local.email());
            user.setPassword(local.password());
            identityService.saveUser(user);
        }
        for (String group : local.groups()) {
            if (identityService.createUserQuery().userId(local.id()).memberOfGroup(group).count() == 0) {
                ensureGroup(group);
                identityService.createMembership(local.id(), group);
            }
        }
    }

    /** Everyone sees only tasks of their own groups; there is deliberately no "all tasks" filter. */
    private String ensureMyGroupTasksFilter() {
        Filter existing = filterService.createFilterQuery().filterName(MY_GROUP_TASKS_FILTER).singleResult();
        if (existing != null) {
            return existing.getId();
        }
        TaskQuery query = taskService.createTaskQuery().taskCandidateGroupInExpression("${currentUserGroups()}")
                .includeAssignedTasks();
        Filter filter = filterService.newTaskFilter(MY_GROUP_TASKS_FILTER)
                .setOwner(null)
                .setQuery(query)
                .setProperties(Map.of("description", "Tasks of the groups you are in", "priority", -10,
                        "refresh", true));
        filterService.saveFilter(filter);
        return filter.getId();
    }

    /**
     * The grants of our groups, applied exactly: permissions a group no longer has in the model are
     * taken away, so a database set up by an older, more generous model converges at the next start.
     * Per-task grants the engine creates for candidate groups (resource id = a task id) are left alone.
     */
    private final class AuthorizationPlan {

        private record Key(String group, Resource resource, String resourceId) {
        }

        private final Map<Key, Set<Permission>> grants = new LinkedHashMap<>();

        void grant(String group, Resource resource, String resourceId, Permission... permissions) {
            grants.computeIfAbsent(new Key(group, resource, resourceId), k -> new LinkedHashSet<>())
                    .addAll(List.of(permissions));
        }

        void apply() {
            for (String group : Roles.ALL) {
                for (Authorization existing : authorizationService.createAuthorizationQuery().groupIdIn(group)
                        .authorizationType(AUTH_TYPE_GRANT).list()) {
                    Key key = new Key(group, resourceOf(existing.getResourceType()), existing.getResourceId());
                    if (ANY.equals(existing.getResourceId()) && !grants.containsKey(key)) {
                        authorizationService.deleteAuthorization(existing.getId());
                    }
                }
            }
            grants.forEach((key, permissions) -> {
                Authorization auth = authorizationService.createAuthorizationQuery()
                        .groupIdIn(key.group()).resourceType(key.resource()).resourceId(key.resourceId())
                        .authorizationType(AUTH_TYPE_GRANT).singleResult();
                if (auth == null) {
                    auth = authorizationService.createNewAuthorization(AUTH_TYPE_GRANT);
                    auth.setGroupId(key.group());
                    auth.setResource(key.resource());
                    auth.setResourceId(key.resourceId());
                }
                auth.setPermissions(permissions.toArray(Permission[]::new));
                authorizationService.saveAuthorization(auth);
            });
        }

        private static Resource resourceOf(int type) {
            for (Resources resource : Resources.values()) {
                if (resource.resourceType() == type) {
                    return resource;
                }
            }
            throw new IllegalStateException("unknown Camunda resource type " + type);
        }
    }
}
