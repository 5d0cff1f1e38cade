/**
 * The hosted flow of Handoff on a Jakarta Servlet 6 container. Only {@code dev.handoff.servlet} is API.
 */
module dev.handoff.servlet {
  requires transitive dev.handoff.web;
  requires transitive jakarta.servlet;
  requires org.slf4j;

  exports dev.handoff.servlet;
}
