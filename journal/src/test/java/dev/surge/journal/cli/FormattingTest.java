package dev.surge.journal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The small pieces dump and the others print with: JSON, CSV, code masks, times. */
class FormattingTest {

    @Test
    void jsonEscapesQuotesBackslashesControlCharactersAndLoneSurrogates() {
        StringBuilder sb = new StringBuilder();
        new JsonWriter(sb).beginObject()
            .field("q", "a\"b\\c/d")
            .field("ctl", "\n\r\t\b\f\u0001\u001f\u007f")
            .field("js", "\u2028\u2029")
            .field("cn", "春 😀")
            .field("lone", "x\ud800y\udc00")
            .field("n", -5L)
            .name("arr").beginArray().value("a").value(1L).nullValue().value(true).endArray()
            .name("empty").beginObject().endObject()
            .endObject();
        assertEquals("{\"q\":\"a\\\"b\\\\c/d\",\"ctl\":\"\\n\\r\\t\\b\\f\\u0001\\u001f\\u007f\","
            + "\"js\":\"\\u2028\\u2029\",\"cn\":\"春 😀\",\"lone\":\"x\\ud800y\\udc00\",\"n\":-5,"
            + "\"arr\":[\"a\",1,null,true],\"empty\":{}}", sb.toString());
    }

    @Test
    void csvQuotesWhenNeededAndDefusesFormulas() {
        StringBuilder sb = new StringBuilder();
        Csv.field(sb, "plain");
        sb.append('|');
        Csv.field(sb, "a,b");
        sb.append('|');
        Csv.field(sb, "say \"hi\"");
        sb.append('|');
        Csv.field(sb, "two\nlines");
        sb.append('|');
        Csv.field(sb, "=HYPERLINK(\"x\")");
        sb.append('|');
        Csv.field(sb, "-42");
        sb.append('|');
        Csv.field(sb, null);
        assertEquals("plain|\"a,b\"|\"say \"\"hi\"\"\"|\"two\nlines\"|\"'=HYPERLINK(\"\"x\"\")\"|-42|", sb.toString());
    }

    @Test
    void codesKeepAShortPrefixAndTheirSeparators() {
        assertEquals("VX8K-****-****", CodeMask.mask("VX8K-2M9Q-7TQA"));
        assertEquals("ABCD********", CodeMask.mask("ABCD12345678"));
        assertEquals("A**", CodeMask.mask("ABC"));
        assertEquals("**", CodeMask.mask("AB"));
        assertEquals("", CodeMask.mask(""));
    }

    @Test
    void timesAreIsoWithOrWithoutOffsetOrEpochMillis() {
        long t = 1_750_276_800_000L; // 2025-06-18T20:00:00Z
        assertEquals(t, TimeArgs.parseTime("--from", "2025-06-18T20:00:00Z"));
        assertEquals(t, TimeArgs.parseTime("--from", "2025-06-19T04:00:00+08:00"));
        assertEquals(t, TimeArgs.parseTime("--from", "2025-06-18T20:00"));
        assertEquals(t - 72_000_000L, TimeArgs.parseTime("--from", "2025-06-18"));
        assertEquals(t, TimeArgs.parseTime("--from", "1750276800000"));
        assertEquals(t, TimeArgs.parseTime("--from", "@1750276800000"));
        assertEquals("2025-06-18T20:00:00.000Z", TimeArgs.format(t));
        CliException e = assertThrows(CliException.class, () -> TimeArgs.parseTime("--from", "yesterday"));
        assertTrue(e.getMessage().startsWith("--from: 'yesterday' is not a time"), e.getMessage());
    }

    @Test
    void progressPrintsEventsRateAndPercentThenErasesItsLineOnATerminal() {
        java.io.StringWriter log = new java.io.StringWriter();
        try (Progress p = Progress.every(new java.io.PrintWriter(log), false, "verify", 0)) {
            p.total(4096);
            for (int i = 1; i <= 2048; i++) {
                p.update(i);
            }
        }
        String[] lines = log.toString().split("\n");
        assertEquals(2, lines.length, log.toString()); // at 1024 and 2048 events
        assertTrue(lines[1].matches("verify: 2,048 events, [0-9,]+ events/s, 50\\.0%, \\d+s"), lines[1]);

        java.io.StringWriter screen = new java.io.StringWriter();
        try (Progress p = Progress.every(new java.io.PrintWriter(screen), true, "dump", 0)) {
            p.update(1024);
        }
        assertTrue(screen.toString().startsWith("\rdump: 1,024 events"), screen.toString());
        assertTrue(screen.toString().endsWith("\r"), "the line is erased at the end");

        java.io.StringWriter quiet = new java.io.StringWriter();
        try (Progress p = Progress.start(new java.io.PrintWriter(quiet), null, "stats", false)) {
            p.update(1024);
            assertFalse(p.enabled(), "off when stderr is not a terminal and --progress was not given");
        }
        assertEquals("", quiet.toString());
    }

    @Test
    void aMomentIsASequenceWhenBareAndATimeOtherwise() {
        TimeArgs.Moment seq = TimeArgs.parseMoment("--until", "42");
        assertTrue(seq.isSequence());
        assertTrue(seq.includes(42, Long.MAX_VALUE));
        assertFalse(seq.includes(43, 0));
        TimeArgs.Moment time = TimeArgs.parseMoment("--until", "@1750276800000");
        assertFalse(time.isSequence());
        assertTrue(time.includes(999_999, 1_750_276_800_000L));
        assertFalse(time.includes(1, 1_750_276_800_001L));
        assertEquals(1_750_276_800_000L, TimeArgs.parseMoment("--until", "2025-06-18T20:00:00Z").value());
    }
}
