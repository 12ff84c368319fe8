/**
 * Rollguard's rules inside the Camunda engine, where every way in passes (REST, Tasklist, Cockpit,
 * our own code): a command guard that features hook their checks into, the deployment check, which
 * process definitions run releases, and {@link io.rollguard.engine.EngineRefusal} for a command
 * refused there. It knows no feature.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Engine guards")
package io.rollguard.engine;
