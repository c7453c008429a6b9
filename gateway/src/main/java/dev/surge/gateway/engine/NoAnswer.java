package dev.surge.gateway.engine;

/**
 * What an engine leaves on a slot's {@code answer}, with the result UNAVAILABLE, when it could not
 * get the command's answer: why, so that the caller's error says so rather than "halted".
 */
public record NoAnswer(Reason reason, String message) {
    /** The kinds of failure, each its own HTTP error. */
    public enum Reason {
        /** The engine is out of reach or stopped (503 UNAVAILABLE). */
        UNAVAILABLE,
        /** The command is longer than the engine takes (413 BODY_TOO_LARGE); it was not sent. */
        COMMAND_TOO_LARGE,
        /** The command was decided, but its answer is longer than the engine sends back (501 NOT_IMPLEMENTED). */
        ANSWER_TOO_LARGE
    }
}
