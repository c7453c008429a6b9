package dev.surge.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * PNG charts drawn with Java2D (headless), so the report needs nothing beyond the JDK: a latency
 * percentile spectrum (log-log, as HdrHistogram's plotter draws it) and a horizontal bar chart.
 */
final class Charts {
    private static final int WIDTH = 1000;
    private static final int HEIGHT = 600;
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
        new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
        new Color(0xbcbd22), new Color(0x17becf)};

    /** One line: points (x = 1/(1-percentile), y = latency in microseconds). */
    record Series(String name, double[] x, double[] y) {
    }

    /** A bar with its label. */
    record Bar(String label, double value, boolean highlight) {
    }

    private Charts() {
    }

    static void spectrum(Path file, String title, List<Series> series, double targetMicros) throws IOException {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img, title);
        int left = 90;
        int right = WIDTH - 230;
        int top = 50;
        int bottom = HEIGHT - 70;
        double xMax = 1e5; // up to the 99.999th percentile
        double yMin = Double.MAX_VALUE;
        double yMax = 0;
        for (Series s : series) {
            for (int i = 0; i < s.y.length; i++) {
                if (s.x[i] <= xMax && s.y[i] > 0) {
                    yMin = Math.min(yMin, s.y[i]);
                    yMax = Math.max(yMax, s.y[i]);
                }
            }
        }
        if (targetMicros > 0) {
            yMax = Math.max(yMax, targetMicros);
            yMin = Math.min(yMin, targetMicros);
        }
        double lyMin = Math.floor(Math.log10(Math.max(1, yMin)));
        double lyMax = Math.ceil(Math.log10(Math.max(10, yMax)));
        if (lyMax <= lyMin) {
            lyMax = lyMin + 1;
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        // grid and axes
        String[] xLabels = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"};
        for (int i = 0; i <= 5; i++) {
            int px = left + (int) ((right - left) * i / 5.0);
            g.setColor(new Color(0xdddddd));
            g.drawLine(px, top, px, bottom);
            g.setColor(Color.DARK_GRAY);
            center(g, xLabels[i], px, bottom + 20);
        }
        for (double ly = lyMin; ly <= lyMax; ly++) {
            int py = bottom - (int) ((bottom - top) * (ly - lyMin) / (lyMax - lyMin));
            g.setColor(new Color(0xdddddd));
            g.drawLine(left, py, right, py);
            g.setColor(Color.DARK_GRAY);
            String label = micros(Math.pow(10, ly));
            g.drawString(label, left - 8 - g.getFontMetrics().stringWidth(label), py + 5);
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, right - left, bottom - top);
        center(g, "percentile", (left + right) / 2, bottom + 45);
        g.drawString("latency (log)", 10, top - 10);
        if (targetMicros > 0) {
            int py = bottom - (int) ((bottom - top) * (Math.log10(targetMicros) - lyMin) / (lyMax - lyMin));
            g.setColor(Color.RED);
            g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 6}, 0));
            g.drawLine(left, py, right, py);
            g.drawString("p99 target " + micros(targetMicros), left + 6, py - 6);
        }
        g.setStroke(new BasicStroke(2f));
        for (int s = 0; s < series.size(); s++) {
            Series line = series.get(s);
            g.setColor(PALETTE[s % PALETTE.length]);
            int lastX = -1;
            int lastY = -1;
            for (int i = 0; i < line.x.length; i++) {
                if (line.x[i] > xMax || line.y[i] <= 0) {
                    continue;
                }
                int px = left + (int) ((right - left) * Math.log10(Math.max(1, line.x[i])) / 5.0);
                int py = bottom - (int) ((bottom - top) * (Math.log10(line.y[i]) - lyMin) / (lyMax - lyMin));
                if (lastX >= 0) {
                    g.drawLine(lastX, lastY, px, py);
                }
                lastX = px;
                lastY = py;
            }
            int ly = top + 20 + s * 22;
            g.fillRect(right + 20, ly - 10, 24, 4);
            g.setColor(Color.BLACK);
            g.drawString(line.name, right + 52, ly - 3);
        }
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    static void bars(Path file, String title, String unit, List<Bar> bars) throws IOException {
        int rowHeight = 44;
        int height = Math.max(200, 90 + bars.size() * rowHeight);
        BufferedImage img = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img, title);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        FontMetrics fm = g.getFontMetrics();
        int labelWidth = 0;
        double max = 0;
        for (Bar b : bars) {
            labelWidth = Math.max(labelWidth, fm.stringWidth(b.label));
            max = Math.max(max, b.value);
        }
        int left = 20 + labelWidth + 10;
        int right = WIDTH - 140;
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            int y = 60 + i * rowHeight;
            g.setColor(Color.BLACK);
            g.drawString(b.label, left - 10 - fm.stringWidth(b.label), y + 22);
            int w = max <= 0 || Double.isNaN(b.value) ? 0 : (int) ((right - left) * b.value / max);
            g.setColor(b.highlight ? PALETTE[0] : new Color(0x9a9a9a));
            g.fillRect(left, y + 6, Math.max(1, w), rowHeight - 14);
            g.setColor(Color.BLACK);
            g.drawString(Double.isNaN(b.value) ? "n/a" : String.format(Locale.ROOT, b.value < 100 ? "%.1f %s" : "%,.0f %s",
                    b.value, unit),
                left + w + 8, y + 22);
        }
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    private static Graphics2D canvas(BufferedImage img, String title) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
        g.drawString(title, 20, 28);
        return g;
    }

    private static void center(Graphics2D g, String text, int x, int y) {
        g.drawString(text, x - g.getFontMetrics().stringWidth(text) / 2, y);
    }

    static String micros(double us) {
        if (us >= 1_000_000) {
            return String.format(Locale.ROOT, "%.0f s", us / 1e6);
        }
        if (us >= 10_000) {
            return String.format(Locale.ROOT, "%.0f ms", us / 1e3);
        }
        if (us >= 1000) {
            return String.format(Locale.ROOT, "%.1f ms", us / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f us", us);
    }
}
