/**
 * The node policy the admins own: a second DMN decision table ({@code nodePolicy}, beside the
 * approval policy) that decides per node of a release's flows whether it is refused, high risk or
 * needs an approver class, from the node's type, whether it talks to the network and what a scan
 * of its function code found. Release asks it about every node at submission (refusals); changes
 * asks it about the nodes a release adds or changes (classes and risk).
 * {@link io.rollguard.policy.NodePolicy} evaluates the latest deployed (and so validated) version; {@link io.rollguard.policy.NodePolicyValidator} is what such a
 * deployment must pass. It depends on no other feature, so any feature may ask it.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Node policy")
package io.rollguard.policy;
