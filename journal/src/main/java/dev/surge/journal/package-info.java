/**
 * Chronicle Queue storage of engine events: the binary codec, snapshots, recovery and the
 * operator CLI ({@code scripts/journal}). Implements the engine's journal port.
 *
 * <p>Writing: {@link dev.surge.journal.ChronicleJournal} (the ring's journal stage) frames each
 * event as a {@link dev.surge.journal.JournalRecord} (version, flags, length, body, CRC32C), code
 * uploads sealed by {@link dev.surge.journal.CodeCipher} (AES-256-GCM), and writes a ring batch's
 * records as one Chronicle document. Reading:
 * {@link dev.surge.journal.JournalReader} checks frames, checksums, layouts and sequence
 * continuity. Start-up: {@link dev.surge.journal.Recovery} (newest valid snapshot from
 * {@link dev.surge.journal.SnapshotStore}, then the journal tail; damaged tails reported, and
 * cut off only on request). While running: {@link dev.surge.journal.SnapshotAgent} snapshots from
 * its own replica. Where the files live: {@link dev.surge.journal.JournalFiles}.
 */
package dev.surge.journal;
