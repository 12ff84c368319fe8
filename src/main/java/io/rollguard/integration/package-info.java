/**
 * An app's external integrations: the registry (name, kind, settings schema, probe), the app's
 * secrets that settings name by reference, the check of a release's {@code integrations[]}, the
 * environment a slot runs with and the probes that exercise a changed integration in preflight.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Integrations")
package io.rollguard.integration;
