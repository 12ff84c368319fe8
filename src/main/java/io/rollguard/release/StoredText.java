package io.rollguard.release;

/**
 * Texts kept where 4000 characters is the limit: our detail and reason columns, Camunda's string
 * variables and its incident messages. Longer texts are cut, visibly, rather than refused, so a
 * long report never makes the step that records it fail.
 */
public final class StoredText {

    public static final int MAX = 4000;

    private StoredText() {
    }

    /** {@code text} itself when it fits, else its start and "..."; null stays null. */
    public static String clip(String text) {
        return text == null || text.length() <= MAX ? text : text.substring(0, MAX - 3) + "...";
    }
}
