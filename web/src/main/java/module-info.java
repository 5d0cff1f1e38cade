/**
 * The hosted flow of Handoff, framework-neutral. Only {@code dev.handoff.web} is API; a server adapts its requests
 * to {@link dev.handoff.web.HostedRequest} and writes {@link dev.handoff.web.HostedResponse}s.
 */
module dev.handoff.web {
  requires transitive dev.handoff.core;
  requires gg.jte.runtime;
  requires org.slf4j;
  // The generated templates carry @Generated, a source-only annotation.
  requires static java.compiler;

  exports dev.handoff.web;
  // The templates load their static text, pre-encoded, from resources beside them (JTE's BinaryContent).
  opens dev.handoff.web.templates to gg.jte.runtime;
}
