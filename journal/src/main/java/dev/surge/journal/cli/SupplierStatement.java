package dev.surge.journal.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A supplier's statement (对账单) as CSV: one row per delivery with its delivery id, account,
 * status and time. A first row naming the columns ({@code deliveryId,account,status,time}, in any
 * order, also {@code delivery_id}, {@code timestamp}) is optional; without it the columns are in
 * that order. Fields may be quoted (RFC 4180). Statuses are read as DELIVERED (also SUCCESS,
 * SUCCEEDED, OK, DONE), FAILED (also FAIL, FAILURE, REJECTED), PENDING (also PROCESSING), else
 * kept as written; times as ISO-8601 or epoch milliseconds, or left unknown.
 */
final class SupplierStatement {
    /** One row; {@code time} is -1 when absent or unreadable, {@code line} is 1-based. */
    record Row(int line, String deliveryId, String account, String status, long time) {
        boolean delivered() {
            return status.equals("DELIVERED");
        }
    }

    private SupplierStatement() {
    }

    static List<Row> read(Path file) {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new CliException("--statement: no such file " + file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Row> read(BufferedReader in, String name) throws IOException {
        int[] column = {0, 1, 2, 3}; // deliveryId, account, status, time
        List<Row> rows = new ArrayList<>();
        String line;
        int number = 0;
        boolean first = true;
        while ((line = in.readLine()) != null) {
            number++;
            if (number == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1); // a byte-order mark from a spreadsheet export
            }
            if (line.isBlank()) {
                continue;
            }
            List<String> f = fields(line, name, number);
            if (first) {
                first = false;
                if (isHeader(f)) {
                    column = header(f, name);
                    continue;
                }
            }
            String id = at(f, column[0]);
            if (id.isEmpty()) {
                throw new CliException(name + " line " + number + ": no delivery id");
            }
            rows.add(new Row(number, id, at(f, column[1]), status(at(f, column[2])), time(at(f, column[3]))));
        }
        return rows;
    }

    private static boolean isHeader(List<String> f) {
        for (String s : f) {
            String n = s.toLowerCase(Locale.ROOT).replace("_", "");
            if (n.equals("deliveryid") || n.equals("status")) {
                return true;
            }
        }
        return false;
    }

    private static int[] header(List<String> f, String name) {
        int[] column = {-1, -1, -1, -1};
        for (int i = 0; i < f.size(); i++) {
            switch (f.get(i).trim().toLowerCase(Locale.ROOT).replace("_", "")) {
                case "deliveryid", "id" -> column[0] = i;
                case "account" -> column[1] = i;
                case "status" -> column[2] = i;
                case "time", "timestamp", "at" -> column[3] = i;
                default -> {
                    // other columns (amount, sku, ...) are not compared
                }
            }
        }
        if (column[0] < 0 || column[1] < 0 || column[2] < 0) {
            throw new CliException(name + ": the header must name deliveryId, account and status columns");
        }
        return column;
    }

    private static String at(List<String> f, int i) {
        return i >= 0 && i < f.size() ? f.get(i).trim() : "";
    }

    static String status(String raw) {
        String s = raw.trim().toUpperCase(Locale.ROOT);
        return switch (s) {
            case "DELIVERED", "SUCCESS", "SUCCEEDED", "OK", "DONE" -> "DELIVERED";
            case "FAILED", "FAIL", "FAILURE", "REJECTED" -> "FAILED";
            case "PENDING", "PROCESSING" -> "PENDING";
            default -> s;
        };
    }

    private static long time(String raw) {
        if (raw.isEmpty()) {
            return -1;
        }
        try {
            return TimeArgs.parseTime("time", raw);
        } catch (CliException e) {
            return -1;
        }
    }

    /** Splits one CSV line (RFC 4180 quoting; no line breaks inside fields). */
    static List<String> fields(String line, String name, int number) {
        List<String> out = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"' && field.length() == 0) {
                quoted = true;
            } else if (c == ',') {
                out.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            throw new CliException(name + " line " + number + ": unterminated quoted field");
        }
        out.add(field.toString());
        return out;
    }
}
