package io.rollguard.release;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import io.rollguard.security.CurrentUser;
import io.rollguard.refusal.Refusal;

/**
 * The lifecycle diagram (BPMN XML) with the activities completed and active: one handler for the
 * API and for the viewer on the release page, which fetches it with the portal's session.
 */
@RestController
class ReleaseDiagramController {

    private final ReleaseService releases;
    private final ReleaseDiagram diagrams;

    ReleaseDiagramController(ReleaseService releases, ReleaseDiagram diagrams) {
        this.releases = releases;
        this.diagrams = diagrams;
    }

    @GetMapping(value = {"/api/releases/{id}/diagram", "/releases/{id}/diagram"}, produces = "application/json")
    ReleaseDiagram.Diagram diagram(@PathVariable String id) {
        ReleaseDiagram.Diagram diagram = diagrams.of(releases.read(CurrentUser.get(), id));
        if (diagram == null) {
            throw Refusal.notFound("The process instance of release '" + id + "'");
        }
        return diagram;
    }
}
