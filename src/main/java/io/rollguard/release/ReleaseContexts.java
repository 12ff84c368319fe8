package io.rollguard.release;

import org.camunda.bpm.engine.delegate.VariableScope;
import org.springframework.stereotype.Component;

import io.rollguard.app.AppRepository;
import io.rollguard.release.descriptor.DescriptorParser;

/** Loads a release, its app and its parsed descriptor for a process step. */
@Component
public class ReleaseContexts {

    private final ReleaseRepository releases;
    private final AppRepository apps;
    private final DescriptorParser parser;

    ReleaseContexts(ReleaseRepository releases, AppRepository apps, DescriptorParser parser) {
        this.releases = releases;
        this.apps = apps;
        this.parser = parser;
    }

    public ReleaseContext of(VariableScope scope) {
        return of((String) scope.getVariable(ReleaseVariables.RELEASE_ID));
    }

    public ReleaseContext of(String releaseId) {
        Release release = releases.get(releaseId);
        var app = apps.find(release.appKey())
                .orElseThrow(() -> new IllegalStateException("App " + release.appKey() + " is no longer registered"));
        DescriptorParser.Result parsed = parser.parse(release.descriptorYaml());
        if (!parsed.isValid()) {
            throw new IllegalStateException("Stored descriptor of release " + releaseId + " no longer validates: "
                    + parsed.violations());
        }
        return new ReleaseContext(release, app, parsed.descriptor());
    }
}
