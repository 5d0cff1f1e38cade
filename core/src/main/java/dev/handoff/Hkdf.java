package dev.handoff;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * HKDF-SHA256 (RFC 5869) with an empty salt and an ASCII {@code info} label: how every Handoff key is derived
 * from the secret above it, so that no secret is ever used for two purposes. The labels are part of the token
 * format (see {@code docs/token-format.md}) and must never change.
 */
final class Hkdf {
  /** Label of the token content-encryption root key derived from a master secret. */
  static final String TOKEN_ENCRYPTION = "handoff/v1 token-encryption";
  /** Label of the key of the keyed digest of a token's nonce. */
  static final String TOKEN_DIGEST = "handoff/v1 token-digest";
  /** Label of the key of the keyed digest of one-time codes. */
  static final String OTP_DIGEST = "handoff/v1 otp-digest";
  /** Prefix of the label of a minting sub-key; the sub-key's full {@code kid} follows it. */
  static final String SUB_KEY = "handoff/v1 token-sub-key ";

  private Hkdf() {}

  /** 32 bytes of output key material. */
  static byte[] derive(byte[] inputKey, String info) {
    var hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(new HKDFParameters(inputKey, null, info.getBytes(StandardCharsets.US_ASCII)));
    byte[] out = new byte[32];
    hkdf.generateBytes(out, 0, out.length);
    return out;
  }
}
