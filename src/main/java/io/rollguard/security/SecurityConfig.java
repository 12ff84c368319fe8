package io.rollguard.security;

import java.time.Clock;

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
import org.springframework.security.config.Customizer;
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
@EnableConfigurationProperties(KeycloakProperties.class)
class SecurityConfig {

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
                .csrf(c -> c.disable())
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
                .csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
        return http.build();
    }

    @Bean
    @Order(4)
    SecurityFilterChain pages(HttpSecurity http) throws Exception {
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
            http.formLogin(Customizer.withDefaults())
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
