/**
 * Handoff's service-provider interface: the contracts a storage adapter or a user directory implements,
 * and the immutable value types they exchange with the engine. Depends on the JDK only.
 */
module dev.handoff.spi {
  exports dev.handoff.spi;
}
