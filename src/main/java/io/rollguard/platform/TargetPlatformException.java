package io.rollguard.platform;

/** A target that cannot be reached or refused a change; becomes a Camunda incident after retries. */
public class TargetPlatformException extends RuntimeException {
    public TargetPlatformException(String message) {
        super(message);
    }

    public TargetPlatformException(String message, Throwable cause) {
        super(message, cause);
    }
}
