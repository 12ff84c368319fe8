/**
 * Changes: what a release's flows change compared with what the app's stable slot runs. A semantic
 * diff of Node-RED flows per tab and subflow (nodes added, removed and changed with their changed
 * properties, code and templates as line diffs, HTTP endpoints, outgoing hosts, config nodes), the
 * admins' node policy asked about the nodes it adds or changes (its decisions give the change
 * classes, whether declared or not, and the high-risk nodes), the refusal of DDL hidden in function
 * and database nodes, and the diff as JSON for whoever may read the release. It implements {@link io.rollguard.release.FlowChanges} for the lifecycle; release
 * never depends on it.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Changes")
package io.rollguard.changes;
