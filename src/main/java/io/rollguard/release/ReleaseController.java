package io.rollguard.release;

import java.io.IOException;
import java.net.URI;
import java.util.List;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartHttpServletRequest;

import jakarta.servlet.http.HttpServletRequest;

import io.rollguard.security.CurrentUser;
import io.rollguard.refusal.Refusal;

@RestController
@RequestMapping("/api/releases")
class ReleaseController {

    private final ReleaseService releases;

    ReleaseController(ReleaseService releases) {
        this.releases = releases;
    }

    record Submitted(String id, String app, String version, ReleaseState state, String processInstanceId) {
    }

    /** A part {@code descriptor} (the YAML, as a field or a file) plus one file part per file it names. */
    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<Submitted> submit(HttpServletRequest request) throws IOException {
        // a multipart/form-data type without a boundary, or a body the multipart parser could not read, reaches
        // here unwrapped: that is the client's mistake, not the server's
        if (!(request instanceof MultipartHttpServletRequest multipart)) {
            throw Refusal.invalid("A release is submitted as multipart/form-data", List.of(new Refusal.Violation(
                    "Content-Type", "must be multipart/form-data with a boundary, and the body its parts")));
        }
        ReleaseUpload upload = ReleaseUpload.ofApi(multipart);
        if (upload.descriptor() == null) {
            throw Refusal.invalid("A release needs a descriptor",
                    List.of(new Refusal.Violation("descriptor", "part is required")));
        }
        Release release = releases.submit(CurrentUser.get(), upload.descriptor(), upload.files());
        return ResponseEntity.created(URI.create("/api/releases/" + release.id()))
                .body(new Submitted(release.id(), release.appKey(), release.version(), release.state(),
                        release.processInstanceId()));
    }

    @GetMapping("/{id}")
    ReleaseView get(@PathVariable String id) {
        Release release = releases.read(CurrentUser.get(), id);
        return ReleaseView.of(release, releases.history(id));
    }

    /**
     * The release list of the portal: same filters, newest first, the total in {@code X-Total-Count};
     * {@code inFlight=true&requester=me} is the home page's "my releases in flight".
     */
    @GetMapping
    ResponseEntity<List<ReleaseView>> list(@RequestParam(required = false) String app,
            @RequestParam(required = false) String state, @RequestParam(required = false) String requester,
            @RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam(defaultValue = "false") boolean inFlight, @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "200") int size) {
        ReleaseFilter f = ReleasePages.filter(app, state, requester, from, to);
        ReleasePage result = releases.search(CurrentUser.get(),
                new ReleaseFilter(f.app(), f.state(), f.requester(), f.from(), f.to(), inFlight), page, size);
        return ResponseEntity.ok().header("X-Total-Count", String.valueOf(result.total()))
                .body(result.items().stream().map(r -> ReleaseView.of(r, null)).toList());
    }

    @PostMapping("/{id}/abort")
    ReleaseView abort(@PathVariable String id) {
        Release release = releases.abort(CurrentUser.get(), id);
        return ReleaseView.of(release, releases.history(id));
    }

    @PostMapping("/{id}/rollback")
    ReleaseView rollback(@PathVariable String id) {
        Release release = releases.rollBackPromoted(CurrentUser.get(), id);
        return ReleaseView.of(release, releases.history(id));
    }
}
