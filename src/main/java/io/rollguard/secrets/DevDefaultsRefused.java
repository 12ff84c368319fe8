package io.rollguard.secrets;

import java.util.List;

/** Start-up refused: a dev default is in place on a profile that is not the embedded default. */
class DevDefaultsRefused extends IllegalStateException {

    private final List<String> properties;

    DevDefaultsRefused(List<String> profiles, List<String> properties) {
        super("Refusing to start on profile(s) " + profiles + " with dev defaults in place: "
                + String.join(", ", properties));
        this.properties = List.copyOf(properties);
    }

    List<String> properties() {
        return properties;
    }
}
