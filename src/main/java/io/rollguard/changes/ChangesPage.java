package io.rollguard.changes;

import java.util.List;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

import io.rollguard.refusal.Refusal;
import io.rollguard.release.SchemaChanges;
import io.rollguard.security.CurrentUser;
import io.rollguard.web.PageProblems;
import io.rollguard.web.PortalPage;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The portal page of what a release changes: the same diff as {@code GET /api/releases/{id}/changes},
 * for the same readers, with code as coloured line diffs and the release's changelog beside it.
 */
@Controller
class ChangesPage implements PortalPage {

    private final ChangesService changes;
    private final SchemaChanges schemaChanges;

    ChangesPage(ChangesService changes, SchemaChanges schemaChanges) {
        this.changes = changes;
        this.schemaChanges = schemaChanges;
    }

    @ExceptionHandler(Refusal.class)
    String problem(Refusal problem, HttpServletResponse response, Model model) {
        return PageProblems.render(problem, response, model);
    }

    @GetMapping("/releases/{id}/changes")
    String show(@PathVariable String id, Model model) {
        // the diff reads the release first, which answers 404/403 before anything else is looked at
        model.addAttribute("changes", changes.of(CurrentUser.get(), id));
        model.addAttribute("changelog", schemaChanges.changelog(id));
        model.addAttribute("code", new Code());
        return "changes/show";
    }

    /** What the template asks to render a property's line diff. */
    static final class Code {
        public List<CodeLines.Line> lines(FlowDiff.PropertyChange property) {
            return CodeLines.of(property.name(), property.lines());
        }
    }
}
