package io.rollguard.support;

import org.springframework.core.Ordered;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.support.AbstractTestExecutionListener;

/**
 * Closes a test class's Spring context when the class is done. Every test class here has a
 * database of its own, so a context is never reused; kept in Spring's cache, each would hold its
 * connection pools and a running job executor until PostgreSQL runs out of connections. Closing
 * it before the next class starts matters too: Camunda keeps its engines in a static registry by
 * name, so a context evicted from the cache later would unregister the next context's engine.
 */
public final class OneContextAtATime extends AbstractTestExecutionListener {

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    @Override
    public void afterTestClass(TestContext testContext) {
        testContext.markApplicationContextDirty(null);
    }
}
