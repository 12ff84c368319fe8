package io.rollguard.release;

import java.time.LocalDate;

/** What a release list is narrowed to; every field is optional. Dates are whole UTC days, both included. */
public record ReleaseFilter(String app, ReleaseState state, String requester, LocalDate from, LocalDate to,
        boolean inFlightOnly) {

    public static ReleaseFilter none() {
        return new ReleaseFilter(null, null, null, null, null, false);
    }
}
