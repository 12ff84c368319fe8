/**
 * The vocabulary every feature uses to say no: {@link io.rollguard.refusal.Refusal}, with its
 * kind (not found, invalid, conflict, forbidden), title, detail and violations by path. It knows
 * nothing of HTTP; the {@code web} module maps a refusal to a status and a problem-details body,
 * and to the portal's error page. Depends on nothing.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Refusals")
package io.rollguard.refusal;
