/**
 * {@link dev.handoff.storage.jdbc.JdbcSessionStore}: sessions in one table of a relational database, shared by
 * every engine node that uses the same database, and {@link dev.handoff.storage.jdbc.SessionSweeper}, which
 * deletes expired sessions in the background without an engine (and so without publishing their end; an
 * application with a {@code Handoff} runs {@code dev.handoff.Sweeper} instead).
 */
package dev.handoff.storage.jdbc;
