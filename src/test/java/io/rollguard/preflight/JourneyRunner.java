package io.rollguard.preflight;

import java.util.List;

import org.springframework.context.ApplicationContext;

import io.rollguard.app.App;
import io.rollguard.release.descriptor.ReleaseDescriptor;

/**
 * Test support: the product's journey runner ({@link CanaryJourneys}, package-private) for the
 * benchmark harness outside this package, as the running application wired it.
 */
public final class JourneyRunner {

    /** A journey's outcome as the preflight report shows it: its name and what failed (empty when it passed). */
    public record Outcome(String name, List<String> problems) {
        public boolean passed() {
            return problems.isEmpty();
        }
    }

    private final CanaryJourneys journeys;

    public JourneyRunner(ApplicationContext context) {
        this.journeys = context.getBean(CanaryJourneys.class);
    }

    public List<Outcome> run(App app, List<ReleaseDescriptor.Journey> journeys) {
        return this.journeys.run(app, journeys).stream().map(c -> new Outcome(c.name(), c.problems())).toList();
    }
}
