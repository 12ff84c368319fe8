package io.rollguard.process;

import java.time.Instant;
import java.util.Date;

import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.camunda.community.process_test_coverage.junit5.platform7.ProcessEngineCoverageExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** What every process test class sets up: a fresh fake world, a driver, a fixed clock. */
abstract class ProcessTestSupport {

    protected FakeReleaseWorld world;
    protected ProcessDriver driver;

    /** Each test class registers its own extension so coverage is asserted per process. */
    protected abstract ProcessEngineCoverageExtension extension();

    @BeforeEach
    void setUpWorld() {
        ProcessEngine engine = extension().getProcessEngine();
        BpmnAwareTests.init(engine);
        ClockUtil.setCurrentTime(Date.from(Instant.parse("2025-06-02T09:00:00Z")));
        world = new FakeReleaseWorld().register();
        driver = new ProcessDriver(engine);
    }

    @AfterEach
    void tearDownWorld() {
        Mocks.reset();
        ClockUtil.reset();
        BpmnAwareTests.reset();
    }
}
