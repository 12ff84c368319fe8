package io.rollguard.audit;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import io.rollguard.refusal.Refusal;

/** A half-open period [from, to) of audit time; dates are whole UTC days, both ends included. */
record AuditPeriod(Instant from, Instant to) {

    static final Instant BEGINNING = Instant.parse("1970-01-01T00:00:00Z");
    static final Instant END = Instant.parse("9999-12-31T00:00:00Z");

    static AuditPeriod parse(String from, String to) {
        List<Refusal.Violation> violations = new ArrayList<>();
        Instant start = parse("from", from, false, BEGINNING, violations);
        Instant end = parse("to", to, true, END, violations);
        if (violations.isEmpty() && !start.isBefore(end)) {
            violations.add(new Refusal.Violation("to", "must be after from"));
        }
        if (!violations.isEmpty()) {
            throw Refusal.invalid("The period is invalid", violations);
        }
        return new AuditPeriod(start, end);
    }

    private static Instant parse(String name, String value, boolean endOfDay, Instant absent,
            List<Refusal.Violation> violations) {
        if (value == null || value.isBlank()) {
            return absent;
        }
        try {
            if (value.length() == 10) {
                LocalDate day = LocalDate.parse(value);
                return (endOfDay ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            violations.add(new Refusal.Violation(name,
                    "'" + value + "' is neither a date (2026-11-27) nor an instant (2026-11-27T17:00:00Z)"));
            return absent;
        }
    }
}
