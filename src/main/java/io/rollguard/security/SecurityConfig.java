package io.rollguard.security;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.camunda.bpm.engine.IdentityService;
import org.springframework.http.MediaType;
import org.springframework.security.web.authentication.SimpleUrlAuthenticationFailureHandler;

import org.camunda.bpm.engine.rest.security.auth.ProcessEngineAuthenticationFilter;
import org.camunda.bpm.engine.rest.security.auth.impl.HttpBasicAuthenticationProvider;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.oauth2.client.oidc.web.logout.OidcClientInitiatedLogoutSuccessHandler;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizedClientRepository;
import org.springframework.security.web.authentication.logout.LogoutSuccessHandler;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestRedirectFilter;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;

/**
 * Three ways in, each with its own chain. Camunda's webapps and REST API authenticate
 * themselves against the same Camunda identity our API uses, so a user and their groups are
 * defined once.
 */
@Configuration
@EnableWebSecurity
@EnableConfigurationProperties({KeycloakProperties.class, LoginThrottle.Settings.class})
class SecurityConfig {

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    /**
     * The portal's pages: scripts only from our own origin (no inline script in any template),
     * styles from our origin plus the inline styles bpmn-js and uPlot set on the elements they
     * draw, data: images for the diagram, framed only by our own pages (Camunda's webapps frame
     * same-origin), forms posted only to us (and, with Keycloak, its logout page).
     */
    private static final String PAGE_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
            + "frame-ancestors 'self'; form-action 'self'";

    private final KeycloakProperties keycloak;
    private final ObjectProvider<ClientRegistrationRepository> clientRegistrations;
    private final ObjectProvider<OAuth2AuthorizedClientRepository> authorizedClients;

    SecurityConfig(KeycloakProperties keycloak, ObjectProvider<ClientRegistrationRepository> clientRegistrations,
            ObjectProvider<OAuth2AuthorizedClientRepository> authorizedClients) {
        this.keycloak = keycloak;
        this.clientRegistrations = clientRegistrations;
        this.authorizedClients = authorizedClients;
    }

    /** With Keycloak, a chain accepts bearer tokens; without, HTTP Basic against local users. */
    private void authenticate(HttpSecurity http) throws Exception {
        if (keycloak.enabled()) {
            ProblemAuthenticationEntryPoint entryPoint = new ProblemAuthenticationEntryPoint("Bearer");
            http.oauth2ResourceServer(o -> o
                    .jwt(j -> j.decoder(BearerTokens.decoder(keycloak)).jwtAuthenticationConverter(BearerTokens.converter()))
                    .authenticationEntryPoint(entryPoint)
                    // Keycloak unreachable (keys cannot be fetched) is our outage, not the caller's
                    // fault: answer 503 instead of letting it surface as a server error
                    .withObjectPostProcessor(new ObjectPostProcessor<BearerTokenAuthenticationFilter>() {
                        @Override
                        public <O extends BearerTokenAuthenticationFilter> O postProcess(O filter) {
                            filter.setAuthenticationFailureHandler(entryPoint::commence);
                            return filter;
                        }
                    }));
        } else {
            http.httpBasic(b -> b.authenticationEntryPoint(new ProblemAuthenticationEntryPoint("Basic")));
        }
    }

    /**
     * OFREP, the apps' own flag evaluation: no user, no session, no CSRF (no cookie is ever
     * accepted here); each request carries the app's flag evaluation key, which the endpoint
     * checks itself because the key decides whose flags are evaluated (flags/OfrepController).
     */
    @Bean
    @Order(0)
    SecurityFilterChain flagEvaluation(HttpSecurity http) throws Exception {
        http.securityMatcher(PathPatternRequestMatcher.withDefaults().matcher("/ofrep/**"))
                .authorizeHttpRequests(a -> a.anyRequest().permitAll())
                .csrf(c -> c.disable())
                .sessionManagement(m -> m.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(c -> c.disable())
                .securityContext(c -> c.disable())
                .anonymous(a -> a.disable());
        return http.build();
    }

    /** Tasklist, Cockpit, Admin: Camunda's own login and CSRF protection handle these paths. */
    @Bean
    @Order(1)
    SecurityFilterChain camundaWebapps(HttpSecurity http) throws Exception {
        http.securityMatcher(new OrRequestMatcher(
                        PathPatternRequestMatcher.withDefaults().matcher("/camunda/**"),
                        PathPatternRequestMatcher.withDefaults().matcher("/camunda")))
                // Camunda's initial-setup API would let anyone create an administrator
                .authorizeHttpRequests(a -> {
                    a.requestMatchers(PathPatternRequestMatcher.withDefaults().matcher("/camunda/api/admin/setup/**"))
                            .denyAll();
                    if (keycloak.enabled()) {
                        a.anyRequest().authenticated();
                    } else {
                        a.anyRequest().permitAll();
                    }
                })
                .csrf(c -> c.disable())
                .headers(h -> h.frameOptions(f -> f.sameOrigin()));
        if (keycloak.enabled()) {
            // single sign-on: pages go to the Keycloak login, the webapps' XHR calls get a plain 401
            http.exceptionHandling(e -> e
                    .defaultAuthenticationEntryPointFor(new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED),
                            PathPatternRequestMatcher.withDefaults().matcher("/camunda/api/**"))
                    .defaultAuthenticationEntryPointFor(
                            new LoginUrlAuthenticationEntryPoint("/oauth2/authorization/" + KeycloakWebSso.REGISTRATION),
                            AnyRequestMatcher.INSTANCE));
            // the webapps' logout must end the Keycloak session too, or the next visit signs straight in
            http.logout(l -> l.logoutRequestMatcher(KeycloakSessions.camundaWebappLogout())
                    .addLogoutHandler(new KeycloakSessions(keycloak, authorizedClients.getObject()))
                    .logoutSuccessHandler((request, response, authentication) -> response.setStatus(HttpStatus.OK.value())));
        }
        return http.build();
    }

    /** Camunda REST: authenticated by Camunda's own filter below, authorized by Camunda authorizations. */
    @Bean
    @Order(2)
    SecurityFilterChain engineRest(HttpSecurity http) throws Exception {
        http.securityMatcher(PathPatternRequestMatcher.withDefaults().matcher("/engine-rest/**"))
                // no sessions here, so no token: a change asked for by a page of another site (riding
                // on Basic credentials the browser has cached) is refused, everything else is Camunda's
                .csrf(c -> c.requireCsrfProtectionMatcher(r -> !SAFE_METHODS.contains(r.getMethod()) && isCrossSite(r)))
                .exceptionHandling(e -> e.accessDeniedHandler(SecurityConfig::csrfRefused))
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
        if (keycloak.enabled()) {
            // the token is checked here; Camunda's filter then takes user and groups from it
            http.authorizeHttpRequests(a -> a.anyRequest().authenticated());
            authenticate(http);
        } else {
            http.authorizeHttpRequests(a -> a.anyRequest().permitAll());
        }
        return http.build();
    }

    /** Our API for pipelines and tools: HTTP Basic with local users for now, stateless. */
    @Bean
    @Order(3)
    SecurityFilterChain api(HttpSecurity http) throws Exception {
        authenticate(http);
        http.securityMatcher(PathPatternRequestMatcher.withDefaults().matcher("/api/**"))
                .authorizeHttpRequests(a -> a.anyRequest().authenticated())
                // a browser signed in to the portal may use the API with its session (never creating
                // one); a browser sends that cookie on a cross-site form post too, so such a request
                // needs the session's CSRF token. Basic and bearer callers send credentials a page of
                // another site cannot, except Basic credentials a browser has cached: those are
                // refused when the browser says the request comes from another site.
                .csrf(c -> c.requireCsrfProtectionMatcher(r -> !SAFE_METHODS.contains(r.getMethod())
                        && (r.getHeader("Authorization") == null && r.getRequestedSessionId() != null
                                || LoginThrottle.basicUser(r) != null && isCrossSite(r))))
                .exceptionHandling(e -> e.accessDeniedHandler(SecurityConfig::csrfRefused))
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.NEVER));
        return http.build();
    }

    /**
     * What the browser says about where a request comes from: Fetch metadata when it sends it,
     * else the Origin header against the host asked. Pipelines and tools send neither.
     */
    static boolean isCrossSite(HttpServletRequest request) {
        String site = request.getHeader("Sec-Fetch-Site");
        if (site != null) {
            return !site.equals("same-origin") && !site.equals("none");
        }
        String origin = request.getHeader("Origin");
        if (origin == null) {
            return false;
        }
        try {
            URI from = URI.create(origin);
            String host = request.getHeader("Host");
            return from.getRawAuthority() == null || host == null || !from.getRawAuthority().equalsIgnoreCase(host);
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    /** 403 as a problem: the refusals of this chain's filters are the CSRF ones. */
    private static void csrfRefused(HttpServletRequest request, HttpServletResponse response,
            org.springframework.security.access.AccessDeniedException e) throws IOException {
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getWriter().write("""
                {"type":"about:blank","title":"Forbidden","status":403,\
                "detail":"A browser request from another site, or one with the session cookie but without its \
                CSRF token (header X-CSRF-TOKEN), is refused"}""");
    }

    @Bean
    @Order(4)
    SecurityFilterChain pages(HttpSecurity http) throws Exception {
        String formAction = keycloak.enabled() ? " " + origin(keycloak.browserEndpoint("/")) : "";
        http.headers(h -> h.contentSecurityPolicy(c -> c.policyDirectives(PAGE_POLICY + formAction))
                .frameOptions(f -> f.sameOrigin()));
        http.authorizeHttpRequests(a -> a
                .requestMatchers("/", "/actuator/health", "/error", "/favicon.ico", "/signin/**").permitAll()
                .anyRequest().authenticated());
        if (keycloak.enabled()) {
            ClientRegistrationRepository registrations = clientRegistrations.getObject();
            DefaultOAuth2AuthorizationRequestResolver pkce = new DefaultOAuth2AuthorizationRequestResolver(
                    registrations, OAuth2AuthorizationRequestRedirectFilter.DEFAULT_AUTHORIZATION_REQUEST_BASE_URI);
            // Keycloak requires PKCE (S256) for rollguard-web; Spring adds it to public clients only
            pkce.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
            IdentityProviderAvailability identityProvider = new IdentityProviderAvailability(keycloak, Clock.systemUTC());
            http.oauth2Login(o -> o.clientRegistrationRepository(registrations)
                            .authorizedClientRepository(authorizedClients.getObject())
                            .authorizationEndpoint(e -> e.authorizationRequestResolver(pkce))
                            .failureHandler(identityProvider.failureHandler()))
                    .addFilterBefore(identityProvider, OAuth2AuthorizationRequestRedirectFilter.class)
                    .logout(l -> l.logoutSuccessHandler(rpInitiatedLogout(registrations)));
        } else {
            SimpleUrlAuthenticationFailureHandler signInFailed = new SimpleUrlAuthenticationFailureHandler("/login?error");
            http.formLogin(f -> f.failureHandler((request, response, e) -> {
                        // the throttle counts refusals by status; this one is a redirect
                        request.setAttribute(LoginThrottle.FAILED, true);
                        signInFailed.onAuthenticationFailure(request, response, e);
                    }))
                    .httpBasic(b -> b.authenticationEntryPoint(new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED)));
        }
        return http.build();
    }

    /** Our pages log out through Keycloak's end-session endpoint, which then sends the browser home. */
    private static LogoutSuccessHandler rpInitiatedLogout(ClientRegistrationRepository registrations) {
        OidcClientInitiatedLogoutSuccessHandler handler = new OidcClientInitiatedLogoutSuccessHandler(registrations);
        handler.setPostLogoutRedirectUri("{baseUrl}/");
        return handler;
    }

    private static String origin(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    @Bean
    LoginThrottle loginThrottle(LoginThrottle.Settings settings, IdentityService identityService, JdbcTemplate jdbc) {
        return new LoginThrottle(settings, identityService, !keycloak.enabled(), Clock.systemUTC(), jdbc);
    }

    /** Before Spring Security's chains (order -100), so a throttled request is not even checked. */
    @Bean
    FilterRegistrationBean<LoginThrottle> loginThrottleRegistration(LoginThrottle throttle) {
        FilterRegistrationBean<LoginThrottle> registration = new FilterRegistrationBean<>(throttle);
        registration.addUrlPatterns("/*");
        registration.setName("login-throttle");
        registration.setOrder(-110);
        return registration;
    }

    @Bean
    FilterRegistrationBean<ProcessEngineAuthenticationFilter> engineRestAuthentication() {
        FilterRegistrationBean<ProcessEngineAuthenticationFilter> registration =
                new FilterRegistrationBean<>(new ProcessEngineAuthenticationFilter());
        registration.addUrlPatterns("/engine-rest/*");
        registration.addInitParameter(ProcessEngineAuthenticationFilter.AUTHENTICATION_PROVIDER_PARAM,
                keycloak.enabled() ? SpringSecurityCamundaAuthentication.class.getName()
                        : HttpBasicAuthenticationProvider.class.getName());
        registration.setName("camunda-rest-authentication");
        // after Spring Security's chain, so both see the request in a defined order
        registration.setOrder(101);
        return registration;
    }
}
