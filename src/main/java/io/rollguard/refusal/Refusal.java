package io.rollguard.refusal;

import java.util.List;

/**
 * A request Rollguard turns down, said in the words of the feature that turns it down: what
 * kind of no it is, a short title, the detail and every violation by path, so a pipeline can
 * show all of them at once. Features throw it; only the web edge decides what it looks like on
 * the wire (status, problem-details body, error page).
 */
public class Refusal extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What kind of no: the thing is not there, the input is wrong, the state forbids it, the user may not. */
    public enum Kind {
        NOT_FOUND("Not found"),
        INVALID("Invalid request"),
        CONFLICT("Conflict"),
        FORBIDDEN("Forbidden");

        private final String title;

        Kind(String title) {
            this.title = title;
        }

        /** The title of a refusal of this kind that has no more specific one. */
        public String title() {
            return title;
        }
    }

    /** One thing wrong with the input, by the path of the field it concerns. */
    public record Violation(String path, String message) {
    }

    private final Kind kind;
    private final String title;
    private final List<Violation> violations;

    public Refusal(Kind kind, String title, String detail, List<Violation> violations) {
        super(detail);
        this.kind = kind;
        this.title = title == null ? kind.title() : title;
        this.violations = List.copyOf(violations);
    }

    public static Refusal notFound(String what) {
        return new Refusal(Kind.NOT_FOUND, null, what + " does not exist", List.of());
    }

    public static Refusal forbidden(String detail) {
        return new Refusal(Kind.FORBIDDEN, null, detail, List.of());
    }

    public static Refusal conflict(String detail) {
        return new Refusal(Kind.CONFLICT, null, detail, List.of());
    }

    public static Refusal invalid(String detail, List<Violation> violations) {
        return new Refusal(Kind.INVALID, null, detail, violations);
    }

    public Kind kind() {
        return kind;
    }

    public String title() {
        return title;
    }

    public List<Violation> violations() {
        return violations;
    }
}
