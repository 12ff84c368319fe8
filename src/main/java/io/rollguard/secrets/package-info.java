/**
 * Secrets: the cipher that seals what Rollguard keeps in its database (slot tokens, app database
 * passwords), and the start-up check that refuses dev defaults outside the embedded profile.
 * Depends on nothing.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Secrets")
package io.rollguard.secrets;
