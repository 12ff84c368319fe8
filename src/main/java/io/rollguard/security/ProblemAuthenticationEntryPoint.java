package io.rollguard.security;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.MediaType;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;

/** 401 with a problem-details body, so a pipeline sees why it was refused. */
class ProblemAuthenticationEntryPoint implements AuthenticationEntryPoint {

    private final String scheme;

    ProblemAuthenticationEntryPoint(String scheme) {
        this.scheme = scheme;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        if (e instanceof AuthenticationServiceException) {
            response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            response.setHeader("Retry-After", "30");
            response.getWriter().write("""
                    {"type":"about:blank","title":"Identity provider unavailable","status":503,\
                    "detail":"Credentials cannot be checked right now because the identity provider is unreachable; \
                    try again shortly"}""");
            return;
        }
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader("WWW-Authenticate", scheme + " realm=\"rollguard\"");
        response.getWriter().write("""
                {"type":"about:blank","title":"Unauthorized","status":401,\
                "detail":"Authentication is required: send valid credentials"}""");
    }
}
