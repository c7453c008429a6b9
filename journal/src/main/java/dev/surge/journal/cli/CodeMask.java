package dev.surge.journal.cli;

/**
 * Masks a card code for display: the first few characters stay (enough to tell codes and
 * batches apart in an incident), every later letter or digit becomes {@code *}, separators stay.
 * {@code VX8K-2M9Q-7TQA} becomes {@code VX8K-****-****}. Short codes keep less: never more than
 * a third of the code is shown.
 */
final class CodeMask {
    static final int KEEP = 4;

    private CodeMask() {
    }

    static String mask(String code) {
        if (code == null) {
            return null;
        }
        int keep = Math.min(KEEP, code.length() / 3);
        StringBuilder sb = new StringBuilder(code.length());
        int shown = 0;
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (!Character.isLetterOrDigit(c)) {
                sb.append(c);
            } else if (shown < keep) {
                sb.append(c);
                shown++;
            } else {
                sb.append('*');
            }
        }
        return sb.toString();
    }
}
