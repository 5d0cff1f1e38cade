package dev.handoff;

import java.util.Arrays;

/**
 * A range of bytes as a hash key, so that the encoded header of a token can be looked up among the headers this
 * node has seen without first copying it into a string. Holds the array it was given: lookup keys wrap the
 * caller's buffer for the duration of one lookup, stored keys own a copy.
 */
final class HeaderKey {
  private final byte[] bytes;
  private final int from;
  private final int to;
  private final int hash;

  HeaderKey(byte[] bytes, int from, int to) {
    this.bytes = bytes;
    this.from = from;
    this.to = to;
    int h = 1;
    for (int i = from; i < to; i++) {
      h = 31 * h + bytes[i];
    }
    this.hash = h;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HeaderKey k && k.hash == hash && Arrays.equals(bytes, from, to, k.bytes, k.from, k.to);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return "HeaderKey[" + (to - from) + " bytes]";
  }
}
