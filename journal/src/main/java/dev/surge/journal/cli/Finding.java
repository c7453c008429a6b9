package dev.surge.journal.cli;

/**
 * One thing {@code verify} found: a {@link Severity#VIOLATION} of an invariant (exit code 1), or
 * {@link Severity#INFO} worth an operator's attention that breaks nothing (deliveries still
 * pending, for instance). {@code sequence} and {@code index} place it in the journal (event
 * sequence and Chronicle index; -1 when the finding is about the journal as a whole).
 */
record Finding(Severity severity, String kind, long sequence, long index, String message) {

    enum Severity {
        VIOLATION, INFO
    }

    String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(severity == Severity.VIOLATION ? "VIOLATION " : "info      ").append(kind);
        if (sequence >= 0) {
            sb.append(" at seq ").append(sequence);
        }
        if (index >= 0) {
            sb.append(" (index ").append(index).append(')');
        }
        return sb.append(": ").append(message).toString();
    }
}
