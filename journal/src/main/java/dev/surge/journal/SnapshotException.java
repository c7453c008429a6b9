package dev.surge.journal;

import java.nio.file.Path;

/** A snapshot file that cannot be used: damaged, cut short, another format or another key. */
public final class SnapshotException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Path path;

    public SnapshotException(Path path, String message, Throwable cause) {
        super("snapshot " + path + ": " + message, cause);
        this.path = path;
    }

    public Path path() {
        return path;
    }
}
