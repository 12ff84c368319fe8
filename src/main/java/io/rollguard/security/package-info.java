/**
 * Who is who and what they may do: the filter chains (API, portal, Camunda webapps, engine REST),
 * local users or Keycloak, the signed-in {@link io.rollguard.security.CurrentUser}, roles, and every
 * permission decision of our own API ({@link io.rollguard.security.Permissions}) on plain values and
 * {@link io.rollguard.security.Owned} things, so it knows no feature. Sign-in throttling lives here.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Security")
package io.rollguard.security;
