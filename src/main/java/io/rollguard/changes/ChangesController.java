package io.rollguard.changes;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import io.rollguard.security.CurrentUser;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;

/** The semantic diff of a release's flows against what is live, for whoever may read the release. */
@RestController
class ChangesController {

    private final ChangesService changes;

    ChangesController(ChangesService changes) {
        this.changes = changes;
    }

    @Operation(summary = "What a release's flows change compared with what is live",
            description = "Computed on request. live.source says what the release is compared with: 'stable' (the "
                    + "stable slot, read now through the target adapter), 'snapshot' (the stable slot as recorded "
                    + "before the release touched anything; used once that snapshot exists, so a promoted release "
                    + "still shows what it changed) or 'unavailable' (the slot did not answer: compared with nothing, "
                    + "every node counts as added). containers: per tab and subflow (kind tab, subflow or none) the "
                    + "nodes added, removed and changed; a changed node lists its changed properties with JSON "
                    + "values before and after, code (func, initialize, finalize, template) and multi-line text as "
                    + "unified diff lines instead; secrets are marked secret without values. configNodes: the same "
                    + "for config nodes. endpoints: http in nodes (method and url) added, removed, changed. hosts: "
                    + "outgoing hosts added and removed, and nodes whose target is set at run time (dynamic). "
                    + "classes and evidence: the change classes the admins' node policy derives from the nodes the "
                    + "release adds or changes, each with the node, what changed (reason) and the policy's reason "
                    + "(policy). highRisk: the added or changed nodes the node policy marks high risk, the same way. "
                    + "integrations: per setting the release changes in integrations[] (integration, setting, env "
                    + "entry), what the live side runs and what the release sets; a secret shows as its reference "
                    + "and version, never its value. "
                    + "Canvas positions and the order of nodes and keys are no change.")
    @ApiResponse(responseCode = "200", description = "the diff")
    @ApiResponse(responseCode = "403", description = "the caller may not read the release")
    @ApiResponse(responseCode = "404", description = "no such release")
    @GetMapping("/api/releases/{id}/changes")
    ChangesService.ReleaseChanges get(@PathVariable String id) {
        return changes.of(CurrentUser.get(), id);
    }
}
