package dev.surge.simulator;

/**
 * The faults a simulated server answers with, shared by the supplier and the payment provider
 * simulators: latency before every answer; a fail rate of 503s that apply nothing; a timeout
 * rate of requests never answered, of which a share was applied first (the case that makes a
 * client ask before it retries); a reject rate of permanent 422s. Fields are volatile and read
 * per request, so a change (by a test, or {@code POST /_sim/knobs}) applies at once.
 */
public class FaultKnobs {
    /** What one request gets, from one uniform draw: fail, then timeout, then reject, else none. */
    public enum Fault {
        NONE, FAIL, TIMEOUT, REJECT
    }

    public volatile long latencyMs;
    /** Share of requests answered 503, applying nothing. */
    public volatile double failRate;
    /** Share of requests never answered. */
    public volatile double timeoutRate;
    /** Of those, the share applied before going silent. */
    public volatile double timeoutAppliedRate = 0.5;
    /** Share of requests refused for good (422). */
    public volatile double rejectRate;

    /** The fault for a draw {@code roll} uniform in [0, 1): the rates are stacked in this order. */
    public Fault draw(double roll) {
        double fail = failRate;
        double timeout = fail + timeoutRate;
        if (roll < fail) {
            return Fault.FAIL;
        }
        if (roll < timeout) {
            return Fault.TIMEOUT;
        }
        return roll < timeout + rejectRate ? Fault.REJECT : Fault.NONE;
    }

    /**
     * Sets a knob by its name ({@code latencyMs}, {@code failRate}, ...), as the control route
     * receives it. Throws IllegalArgumentException for an unknown name or a bad value.
     */
    public void set(String name, String value) {
        try {
            if (!setKnown(name, value)) {
                throw new IllegalArgumentException("unknown knob " + name);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": not a number");
        }
    }

    /** Subclasses with knobs of their own handle those first, then ask this. False when unknown. */
    protected boolean setKnown(String name, String value) {
        switch (name) {
            case "latencyMs" -> latencyMs = nonNegative(name, value);
            case "failRate" -> failRate = rate(value);
            case "timeoutRate" -> timeoutRate = rate(value);
            case "timeoutAppliedRate" -> timeoutAppliedRate = rate(value);
            case "rejectRate" -> rejectRate = rate(value);
            default -> {
                return false;
            }
        }
        return true;
    }

    protected static long nonNegative(String name, String value) {
        long v = Long.parseLong(value);
        if (v < 0) {
            throw new IllegalArgumentException(name + ": must be >= 0");
        }
        return v;
    }

    protected static double rate(String value) {
        double d = Double.parseDouble(value);
        if (!(d >= 0 && d <= 1)) {
            throw new IllegalArgumentException("rates are 0-1");
        }
        return d;
    }

    @Override
    public String toString() {
        return "latencyMs=" + latencyMs + " failRate=" + failRate + " timeoutRate=" + timeoutRate
            + " timeoutAppliedRate=" + timeoutAppliedRate + " rejectRate=" + rejectRate;
    }
}
