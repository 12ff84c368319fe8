package io.rollguard.web;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.lang.Nullable;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import io.rollguard.refusal.Refusal;

/**
 * Turns every refusal of the API into a problem-details body; nothing leaks a stack trace. The
 * features say what is wrong ({@link Refusal}); the status it becomes is decided here.
 */
@RestControllerAdvice(basePackages = "io.rollguard")
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(Refusal.class)
    ResponseEntity<ProblemDetail> refused(Refusal refusal) {
        return ResponseEntity.status(status(refusal)).body(toBody(refusal));
    }

    @ExceptionHandler(AccessDeniedException.class)
    ResponseEntity<ProblemDetail> accessDenied(AccessDeniedException e) {
        return refused(Refusal.forbidden("You are not allowed to do this"));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        log.error("Unexpected error while handling an API request", e);
        ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "An unexpected error occurred; it has been logged");
        body.setTitle("Internal error");
        return ResponseEntity.internalServerError().body(body);
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<Refusal.Violation> violations = ex.getBindingResult().getFieldErrors().stream()
                .map(e -> new Refusal.Violation("/" + e.getField().replace('.', '/'), e.getDefaultMessage()))
                .toList();
        return ResponseEntity.badRequest().body(toBody(Refusal.invalid("The request body is invalid", violations)));
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestPart(MissingServletRequestPartException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        Refusal refusal = Refusal.invalid("A required part is missing",
                List.of(new Refusal.Violation(ex.getRequestPartName(), "part is required")));
        return ResponseEntity.badRequest().body(toBody(refusal));
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, @Nullable Object body, HttpHeaders headers,
            HttpStatusCode statusCode, WebRequest request) {
        // Spring's own refusals (unreadable JSON, wrong media type, ...) keep their status and
        // get a problem body, without the exception text that might carry internals.
        ProblemDetail problem = body instanceof ProblemDetail pd ? pd
                : ProblemDetail.forStatusAndDetail(statusCode, "The request could not be processed");
        return super.handleExceptionInternal(ex, problem, headers, statusCode, request);
    }

    /** The one place where a kind of refusal becomes an HTTP status. */
    static HttpStatus status(Refusal refusal) {
        return switch (refusal.kind()) {
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case INVALID -> HttpStatus.BAD_REQUEST;
            case CONFLICT -> HttpStatus.CONFLICT;
            case FORBIDDEN -> HttpStatus.FORBIDDEN;
        };
    }

    static ProblemDetail toBody(Refusal refusal) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status(refusal), refusal.getMessage());
        body.setTitle(refusal.title());
        if (!refusal.violations().isEmpty()) {
            body.setProperty("violations", refusal.violations());
        }
        return body;
    }
}
