/** The Handoff engine. Only {@code dev.handoff} is API; everything else is implementation. */
module dev.handoff.core {
  requires transitive dev.handoff.spi;
  requires com.nimbusds.jose.jwt;
  requires org.bouncycastle.provider;
  requires org.slf4j;

  exports dev.handoff;
}
