package io.rollguard.engine;

import org.camunda.bpm.engine.impl.interceptor.Command;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;

/**
 * Looks at every engine command before it runs, whoever calls it (Camunda's REST API, Tasklist,
 * Cockpit or Java code), and throws an {@link EngineRefusal} to refuse it; nothing has changed yet.
 */
public interface CommandGuard {

    void check(Command<?> command, CommandContext context);
}
