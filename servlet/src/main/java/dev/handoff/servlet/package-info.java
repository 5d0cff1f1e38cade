/**
 * The hosted flow of Handoff on a Jakarta Servlet 6 container: {@link dev.handoff.servlet.HandoffServlet}.
 */
package dev.handoff.servlet;
