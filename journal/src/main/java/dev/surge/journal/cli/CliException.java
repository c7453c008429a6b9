package dev.surge.journal.cli;

/**
 * A problem the operator can fix (a bad argument, a missing directory, a missing key): printed
 * as one line, without a stack trace, and the CLI exits with {@link JournalCli#EXIT_ERROR}.
 */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CliException(String message) {
        super(message, null, false, false);
    }

    CliException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
