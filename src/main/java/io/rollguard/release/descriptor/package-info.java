/**
 * The release descriptor as the other features read it ({@code ReleaseDescriptor}: artifact,
 * schema, rollout steps, analysis metrics) and its parser, which validates it against the JSON
 * Schema and lists every violation by path.
 */
@org.springframework.modulith.NamedInterface("descriptor")
package io.rollguard.release.descriptor;
