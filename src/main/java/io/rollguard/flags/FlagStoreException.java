package io.rollguard.flags;

/** A store that cannot do what was asked (unreachable, refused, read-back differs), with a readable reason. */
public class FlagStoreException extends RuntimeException {

    public FlagStoreException(String message) {
        super(message);
    }

    public FlagStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
