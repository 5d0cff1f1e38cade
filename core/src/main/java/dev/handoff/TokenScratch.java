package dev.handoff;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.NoSuchPaddingException;

/**
 * One thread's reusable state for minting and opening tokens: an AES-GCM cipher (re-initialised with a fresh IV
 * per token, which is cheap), a random generator of its own (the platform default, NativePRNG, serialises every
 * thread on one lock), buffers, and the thread's current minting sub-key. Confined to its thread.
 */
final class TokenScratch {
  final Cipher gcm;
  final SecureRandom random;
  final byte[] iv = new byte[12];
  /** IVs are public, so they are drawn in bulk: one DRBG call per 256 tokens instead of one per token. */
  private final byte[] ivPool = new byte[12 * 256];
  private int ivNext = ivPool.length;
  byte[] plain = new byte[512];
  byte[] sealed = new byte[512];
  byte[] text = new byte[1024];

  InstalledRing mintRing;
  SubKey mintKey;
  long mintUses;

  TokenScratch() {
    try {
      gcm = Cipher.getInstance("AES/GCM/NoPadding");
      // A DRBG (NIST SP 800-90A) per thread, seeded by the platform: no lock shared between threads.
      random = SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException | NoSuchPaddingException e) {
      throw new IllegalStateException("AES/GCM and DRBG are required by every Java 17 platform", e);
    }
  }

  /** Fills {@link #iv} with 96 fresh random bits. */
  void nextIv() {
    if (ivNext == ivPool.length) {
      random.nextBytes(ivPool);
      ivNext = 0;
    }
    System.arraycopy(ivPool, ivNext, iv, 0, iv.length);
    ivNext += iv.length;
  }

  byte[] plain(int size) {
    if (plain.length < size) {
      plain = new byte[size];
    }
    return plain;
  }

  byte[] sealed(int size) {
    if (sealed.length < size) {
      sealed = new byte[size];
    }
    return sealed;
  }

  byte[] text(int size) {
    if (text.length < size) {
      text = new byte[size];
    }
    return text;
  }
}
