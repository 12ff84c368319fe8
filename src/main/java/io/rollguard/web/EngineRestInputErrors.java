package io.rollguard.web;

import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.impl.form.validator.FormFieldValidationException;
import org.camunda.bpm.engine.rest.exception.ExceptionHandlerHelper;
import org.camunda.bpm.engine.rest.exception.RestException;
import org.springframework.boot.autoconfigure.jersey.ResourceConfigCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.rollguard.engine.EngineRefusal;
import io.rollguard.refusal.Refusal;

import jakarta.annotation.Priority;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/**
 * Our task listeners refuse bad form input (a decision that is not one of the choices, a repair
 * without a word on what was done) with a {@link FormFieldValidationException}. The engine wraps
 * whatever a listener throws, so Camunda's REST API would answer 500; this answers 400 with the
 * listener's message, in Camunda's own error format. Everything else is left to Camunda.
 */
@Configuration
class EngineRestInputErrors {

    @Bean
    ResourceConfigCustomizer formInputErrorsAre400() {
        return config -> config.register(FormInputErrorMapper.class).register(EngineRefusalMapper.class);
    }

    /** Chosen over Camunda's mapper of the same exception type by its higher priority (lower value). */
    @Priority(1000)
    public static class FormInputErrorMapper implements ExceptionMapper<RestException> {

        @Override
        public Response toResponse(RestException exception) {
            for (Throwable t = exception; t != null && t.getCause() != t; t = t.getCause()) {
                if (t instanceof FormFieldValidationException invalid) {
                    return Response.status(Response.Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON_TYPE)
                            .entity(new InvalidInput("InvalidRequestException", invalid.getMessage(),
                                    String.valueOf((Object) invalid.getDetail())))
                            .build();
                }
                if (t instanceof EngineRefusal refusal) {
                    return refused(refusal);
                }
            }
            return ExceptionHandlerHelper.getInstance().getResponse(exception);
        }
    }

    /**
     * Rollguard's rules inside the engine ({@link EngineRefusal}: four-eyes, task variables,
     * deployments) answer with 403 (forbidden) or 400, also where the engine wrapped them (a task
     * listener's exception reaches REST as a plain ProcessEngineException, which would be 500).
     */
    @Priority(1000)
    public static class EngineRefusalMapper implements ExceptionMapper<ProcessEngineException> {

        @Override
        public Response toResponse(ProcessEngineException exception) {
            for (Throwable t = exception; t != null && t.getCause() != t; t = t.getCause()) {
                if (t instanceof EngineRefusal refusal) {
                    return refused(refusal);
                }
            }
            return ExceptionHandlerHelper.getInstance().getResponse(exception);
        }
    }

    static Response refused(EngineRefusal refusal) {
        boolean forbidden = refusal.kind() == Refusal.Kind.FORBIDDEN;
        return Response.status(forbidden ? Response.Status.FORBIDDEN : Response.Status.BAD_REQUEST)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new InvalidInput(forbidden ? "AuthorizationException" : "InvalidRequestException",
                        refusal.getMessage(), null))
                .build();
    }

    /** Camunda's error body ({@code type}, {@code message}) plus the form field concerned. */
    public record InvalidInput(String type, String message, String field) {
    }
}
