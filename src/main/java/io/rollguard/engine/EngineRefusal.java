package io.rollguard.engine;

import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.BadUserRequestException;

import io.rollguard.refusal.Refusal;

/**
 * A command Rollguard refuses inside the engine (a four-eyes violation, a variable an approval form
 * does not have, a deployment that is not a valid approval policy). Camunda's REST API answers the
 * two types below with 403 and 400 when they reach it unwrapped; where the engine or a REST
 * resource wraps them (task listeners, variable resources), {@code web/EngineRestInputErrors}
 * finds them in the cause chain and answers after their {@link #kind()} all the same, never 500.
 */
public interface EngineRefusal {

    Refusal.Kind kind();

    String getMessage();

    static Forbidden forbidden(String message) {
        return new Forbidden(message);
    }

    static Invalid invalid(String message) {
        return new Invalid(message);
    }

    /** Not allowed for this user (or for anyone). */
    final class Forbidden extends AuthorizationException implements EngineRefusal {
        private static final long serialVersionUID = 1L;

        Forbidden(String message) {
            super(message);
        }

        @Override
        public Refusal.Kind kind() {
            return Refusal.Kind.FORBIDDEN;
        }
    }

    /** Input the engine must not take. */
    final class Invalid extends BadUserRequestException implements EngineRefusal {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }

        @Override
        public Refusal.Kind kind() {
            return Refusal.Kind.INVALID;
        }
    }
}
