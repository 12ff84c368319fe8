/**
 * Where a low-code app runs: the {@link io.rollguard.platform.TargetPlatform} port (deploy flows
 * into a slot, read what a slot really runs, restore it; idempotent) and its Node-RED adapter
 * ({@code nodered}), plus the canonical hash of flows used to tell what a slot runs.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Target platform")
package io.rollguard.platform;
