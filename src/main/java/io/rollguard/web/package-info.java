/**
 * The HTTP edge shared by every feature: the one place a {@link io.rollguard.refusal.Refusal}
 * becomes a status and a problem-details body (API) or the portal's error page, request-shape
 * errors (malformed or oversized multipart bodies), the engine REST's input errors, and the marker
 * of portal pages. It depends on no feature.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Web edge")
package io.rollguard.web;
