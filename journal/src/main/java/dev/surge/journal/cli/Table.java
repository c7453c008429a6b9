package dev.surge.journal.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A plain-text table: columns sized to their widest cell, numbers right-aligned (a column whose
 * header starts with a letter and whose cells are all numbers), two spaces between columns.
 */
final class Table {
    private final String[] headers;
    private final List<String[]> rows = new ArrayList<>();

    Table(String... headers) {
        this.headers = headers;
    }

    Table row(Object... cells) {
        String[] r = new String[headers.length];
        for (int i = 0; i < r.length; i++) {
            Object c = i < cells.length ? cells[i] : null;
            r[i] = c == null ? "" : c instanceof Long || c instanceof Integer ? number(((Number) c).longValue())
                : c.toString();
        }
        rows.add(r);
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    static String number(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    void print(PrintWriter out, String indent) {
        int[] width = new int[headers.length];
        boolean[] right = new boolean[headers.length];
        for (int i = 0; i < headers.length; i++) {
            width[i] = headers[i].length();
            right[i] = !rows.isEmpty();
            for (String[] r : rows) {
                width[i] = Math.max(width[i], r[i].length());
                right[i] &= r[i].isEmpty() || isNumeric(r[i]);
            }
        }
        line(out, indent, headers, width, right);
        for (String[] r : rows) {
            line(out, indent, r, width, right);
        }
    }

    private static void line(PrintWriter out, String indent, String[] cells, int[] width, boolean[] right) {
        StringBuilder sb = new StringBuilder(indent);
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                sb.append("  ");
            }
            String c = cells[i];
            int pad = width[i] - c.length();
            if (right[i]) {
                sb.append(" ".repeat(pad)).append(c);
            } else {
                sb.append(c);
                if (i < cells.length - 1) {
                    sb.append(" ".repeat(pad));
                }
            }
        }
        out.println(sb.toString().stripTrailing());
    }

    private static boolean isNumeric(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(Character.isDigit(c) || c == ',' || c == '.' || c == '-' || c == '%')) {
                return false;
            }
        }
        return !s.isEmpty();
    }
}
