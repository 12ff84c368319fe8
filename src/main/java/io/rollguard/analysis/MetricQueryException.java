package io.rollguard.analysis;

/** A metric source could not answer a query; the query as sent goes into the evidence. */
public class MetricQueryException extends RuntimeException {

    private final String query;

    public MetricQueryException(String query, String message) {
        super(message);
        this.query = query;
    }

    public MetricQueryException(String query, String message, Throwable cause) {
        super(message, cause);
        this.query = query;
    }

    public String query() {
        return query;
    }
}
