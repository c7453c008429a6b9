/**
 * Chronicle Queue storage of engine events: the binary codec, snapshots, recovery and the
 * operator CLI ({@code scripts/journal}). Implements the engine's journal port.
 */
package dev.surge.journal;
