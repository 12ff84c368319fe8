package io.rollguard.security;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.MediaType;
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
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader("WWW-Authenticate", scheme + " realm=\"rollguard\"");
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getWriter().write("""
                {"type":"about:blank","title":"Unauthorized","status":401,\
                "detail":"Authentication is required: send valid credentials"}""");
    }
}
