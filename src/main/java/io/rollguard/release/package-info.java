/**
 * Releases: the release request and its descriptor (parsed against the JSON Schema, the change
 * class derived from it), submission, reading and searching, abort and rollback requests, the
 * lifecycle process's variables and states, and the release's history. The hub every step of the
 * lifecycle works on; it depends only on the app registry, security, the target platform's flows
 * hash, the engine and the web edge, and asks the data-model questions through
 * {@link io.rollguard.release.SchemaChanges} instead of depending on migration.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Release")
package io.rollguard.release;
