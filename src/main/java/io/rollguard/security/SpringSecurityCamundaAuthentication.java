package io.rollguard.security;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.rest.security.auth.AuthenticationProvider;
import org.camunda.bpm.engine.rest.security.auth.AuthenticationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Camunda REST with bearer tokens: Spring Security has already validated the token; this hands
 * Camunda the user and the groups from it, so Camunda authorizations decide with the same
 * groups the token carries. Instantiated by Camunda's filter by class name.
 */
public class SpringSecurityCamundaAuthentication implements AuthenticationProvider {

    @Override
    public AuthenticationResult extractAuthenticatedUser(HttpServletRequest request, ProcessEngine engine) {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth == null || !auth.isAuthenticated() || auth.getName() == null) {
            return AuthenticationResult.unsuccessful();
        }
        CurrentUser user = CurrentUser.get();
        AuthenticationResult result = AuthenticationResult.successful(user.id());
        result.setGroups(List.copyOf(user.groups()));
        result.setTenants(List.of());
        return result;
    }

    @Override
    public void augmentResponseByAuthenticationChallenge(HttpServletResponse response, ProcessEngine engine) {
        response.setHeader("WWW-Authenticate", "Bearer realm=\"rollguard\"");
    }
}
