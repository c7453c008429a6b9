package dev.surge.journal.cli;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Parses the times and positions operators type. Times: ISO-8601 with an offset
 * ({@code 2025-06-18T20:00:00Z}, {@code 2025-06-18T20:00:00+08:00}), a local date-time or date
 * (read as UTC, which {@code dump} prints), or epoch milliseconds (all digits, or {@code @millis}).
 * A moment ({@code replay --until}) is a time or an event sequence: a bare number is the sequence
 * ("index"), {@code @millis} is epoch milliseconds.
 */
final class TimeArgs {
    private static final DateTimeFormatter UTC_MILLIS =
        DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private TimeArgs() {
    }

    /** A time as epoch milliseconds; throws {@link CliException} naming {@code option}. */
    static long parseTime(String option, String text) {
        String t = text.trim();
        if (t.startsWith("@")) {
            t = t.substring(1);
        }
        if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) {
            try {
                return Long.parseLong(t);
            } catch (NumberFormatException e) {
                throw new CliException(option + ": " + text + " is too large for epoch milliseconds");
            }
        }
        try {
            return OffsetDateTime.parse(t).toInstant().toEpochMilli();
        } catch (DateTimeParseException ignored) {
            // try the next form
        }
        try {
            return ZonedDateTime.parse(t).toInstant().toEpochMilli();
        } catch (DateTimeParseException ignored) {
            // try the next form
        }
        try {
            return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException ignored) {
            // try the next form
        }
        try {
            return LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new CliException(option + ": '" + text
                + "' is not a time (use ISO-8601 such as 2025-06-18T20:00:00Z, or epoch milliseconds)");
        }
    }

    /** A point in the journal: an event sequence or a time. */
    record Moment(boolean isSequence, long value) {
        boolean includes(long sequence, long timestamp) {
            return isSequence ? sequence <= value : timestamp <= value;
        }

        String describe() {
            return isSequence ? "sequence " + value : format(value);
        }
    }

    static Moment parseMoment(String option, String text) {
        String t = text.trim();
        if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) {
            try {
                return new Moment(true, Long.parseLong(t));
            } catch (NumberFormatException e) {
                throw new CliException(option + ": " + text + " is too large for an event sequence");
            }
        }
        if (t.startsWith("seq:")) {
            return parseMoment(option, t.substring(4));
        }
        return new Moment(false, parseTime(option, t));
    }

    /** Epoch milliseconds as ISO-8601 UTC with milliseconds, e.g. 2025-06-18T20:00:00.123Z. */
    static String format(long epochMillis) {
        return UTC_MILLIS.format(Instant.ofEpochMilli(epochMillis));
    }

    /** A campaign window bound: "-" for none (0 or Long.MAX_VALUE). */
    static String formatBound(long epochMillis) {
        return epochMillis == 0 || epochMillis == Long.MAX_VALUE ? "-" : format(epochMillis);
    }
}
