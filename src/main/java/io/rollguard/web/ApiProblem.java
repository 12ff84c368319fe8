package io.rollguard.web;

import java.util.List;

import org.springframework.http.HttpStatus;

/**
 * A refusal that reaches the client as an RFC 9457 problem-details body. Carries every
 * violation by path so a pipeline can show all of them at once.
 */
public class ApiProblem extends RuntimeException {

    public record Violation(String path, String message) {
    }

    private final HttpStatus status;
    private final String title;
    private final List<Violation> violations;

    public ApiProblem(HttpStatus status, String title, String detail, List<Violation> violations) {
        super(detail);
        this.status = status;
        this.title = title;
        this.violations = List.copyOf(violations);
    }

    public ApiProblem(HttpStatus status, String title, String detail) {
        this(status, title, detail, List.of());
    }

    public static ApiProblem notFound(String what) {
        return new ApiProblem(HttpStatus.NOT_FOUND, "Not found", what + " does not exist");
    }

    public static ApiProblem forbidden(String detail) {
        return new ApiProblem(HttpStatus.FORBIDDEN, "Forbidden", detail);
    }

    public static ApiProblem conflict(String detail) {
        return new ApiProblem(HttpStatus.CONFLICT, "Conflict", detail);
    }

    public static ApiProblem invalid(String detail, List<Violation> violations) {
        return new ApiProblem(HttpStatus.BAD_REQUEST, "Invalid request", detail, violations);
    }

    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }

    public List<Violation> violations() {
        return violations;
    }
}
