package io.rollguard.integration;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.rollguard.integration.IntegrationDefinition.Setting;

/**
 * What a value of a setting may be, for a release's change and for a registered default alike.
 * Problems never repeat the value: a requester who types a secret into the wrong field must not
 * find it in a refusal, a report or a log.
 */
final class SettingValues {

    static final int MAX_TEXT = 500;
    static final Pattern HOST_PORT = Pattern.compile("^(\\[[0-9a-fA-F:.]{2,45}]|[A-Za-z0-9.-]{1,253}):[0-9]{1,5}$");

    private SettingValues() {
    }

    /** The problem with a plain (not secret) value for this setting, or null when it is fine. */
    static String problem(Setting setting, JsonNode value) {
        return switch (setting.type()) {
            case Setting.INTEGER -> integerProblem(setting, value);
            case Setting.STRING -> stringProblem(setting, value);
            case Setting.URL -> value != null && value.isTextual() ? urlProblem(value.asText(), setting.hosts())
                    : "must be an http(s) URL";
            default -> throw new IllegalArgumentException("not a plain setting: " + setting.type());
        };
    }

    private static String integerProblem(Setting setting, JsonNode value) {
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
            return "must be an integer";
        }
        long n = value.asLong();
        if (setting.min() != null && n < setting.min()) {
            return "must be at least " + setting.min();
        }
        if (setting.max() != null && n > setting.max()) {
            return "must be at most " + setting.max();
        }
        return null;
    }

    private static String stringProblem(Setting setting, JsonNode value) {
        if (value == null || !value.isTextual()) {
            return "must be a string";
        }
        String text = value.asText();
        if (text.length() > MAX_TEXT) {
            return "must be at most " + MAX_TEXT + " characters";
        }
        if (hasControlCharacters(text)) {
            return "must not contain control characters";
        }
        if (setting.pattern() != null) {
            try {
                if (!Pattern.compile(setting.pattern()).matcher(new Deadline(text, PATTERN_BUDGET_NANOS)).matches()) {
                    return "must match the pattern " + setting.pattern();
                }
            } catch (Deadline.Exceeded e) {
                // an admin's pattern that backtracks without end must not let a requester's value hold a thread
                return "could not be checked against the pattern " + setting.pattern()
                        + " in time; ask an admin to simplify the pattern";
            }
        }
        return null;
    }

    /** How long one value may take to match its setting's pattern. */
    static final long PATTERN_BUDGET_NANOS = 50_000_000L;

    /**
     * The text a pattern is matched against, refusing to be read once its time is up: Java's regex
     * engine reads the input through {@code charAt}, so a catastrophic backtrack stops here.
     */
    static final class Deadline implements CharSequence {

        static final class Exceeded extends RuntimeException {
            Exceeded() {
                super("pattern matching took too long", null, false, false);
            }
        }

        private final String text;
        private final long deadline;
        private int reads;

        Deadline(String text, long budgetNanos) {
            this(text, System.nanoTime() + budgetNanos, 0);
        }

        private Deadline(String text, long deadline, int reads) {
            this.text = text;
            this.deadline = deadline;
            this.reads = reads;
        }

        @Override
        public char charAt(int index) {
            // looking at the clock every read would cost more than the match itself
            if ((++reads & 0x3FF) == 0 && System.nanoTime() > deadline) {
                throw new Exceeded();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Deadline(text.substring(start, end), deadline, reads);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /**
     * An http(s) URL whose host and port are among {@code hosts}: what keeps a requester from
     * pointing the app (and its probe, which Rollguard sends) at any other host. Credentials,
     * queries and fragments have no place in a base URL (credentials are secret settings).
     */
    static String urlProblem(String text, List<String> hosts) {
        if (text.length() > MAX_TEXT) {
            return "must be at most " + MAX_TEXT + " characters";
        }
        if (hasControlCharacters(text) || text.chars().anyMatch(Character::isWhitespace)) {
            return "must be an http(s) URL without spaces or control characters";
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            return "must be an http(s) URL (it does not parse as a URL)";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "must be an http or https URL";
        }
        if (uri.getRawUserInfo() != null) {
            return "must not carry credentials (user info); use a secret setting";
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            return "must have no query and no fragment";
        }
        String hostPort = hostPort(uri);
        if (hostPort == null) {
            return "must name a host";
        }
        if (!allowed(hostPort, hosts)) {
            return "points at " + hostPort + ", which is not one of the hosts the integration allows " + hosts;
        }
        return null;
    }

    /** {@code host:port} of an http(s) URI, with the scheme's default port when none is given; null without a host. */
    static String hostPort(URI uri) {
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return null;
        }
        int port = uri.getPort();
        if (port == -1) {
            port = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        }
        return uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }

    static boolean allowed(String hostPort, List<String> hosts) {
        return hosts != null && hosts.stream().anyMatch(h -> h.toLowerCase(Locale.ROOT).equals(hostPort));
    }

    static boolean hasControlCharacters(String text) {
        return text.chars().anyMatch(c -> Character.isISOControl(c) || c == '\u2028' || c == '\u2029');
    }
}
