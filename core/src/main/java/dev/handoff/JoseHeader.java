package dev.handoff;

/**
 * The protected header of a token as read from untrusted input, before any key is touched. Only the members a
 * Handoff token may carry are read; any other member ({@code zip}, {@code crit}, {@code cty}, {@code p2c},
 * {@code jku}, ...) or a duplicate refuses the token, which is how compression, critical extensions, nested JWTs
 * and PBES2 are kept out. {@code epk}, {@code apu} and {@code apv} are recorded as present for
 * {@code ECDH-ES+A256KW}; nimbus reads their values.
 */
record JoseHeader(String alg, String enc, String kid, String typ, boolean hasAgreementMembers) {
  static final String DIR = "dir";
  static final String ECDH_ES_A256KW = "ECDH-ES+A256KW";
  static final String A256GCM = "A256GCM";
  static final String TYPE = "handoff+jwt";

  private static final String[] NAMES = {"alg", "enc", "kid", "typ", "epk", "apu", "apv"};

  static JoseHeader parse(byte[] json, int from, int to) {
    var reader = new JsonReader(json, from, to);
    reader.beginObject();
    String alg = null;
    String enc = null;
    String kid = null;
    String typ = null;
    boolean epk = false;
    boolean apu = false;
    boolean apv = false;
    int member;
    boolean first = true;
    while ((member = reader.nextMember(first, NAMES)) != -2) {
      first = false;
      switch (member) {
        case 0 -> alg = once(alg, reader.string());
        case 1 -> enc = once(enc, reader.string());
        case 2 -> kid = once(kid, reader.string());
        case 3 -> typ = once(typ, reader.string());
        case 4 -> epk = flag(epk, reader);
        case 5 -> apu = flag(apu, reader);
        case 6 -> apv = flag(apv, reader);
        default -> throw new TokenRejected("header member not allowed");
      }
    }
    reader.endOfInput();
    if (alg == null || enc == null || kid == null) {
      throw new TokenRejected("header lacks alg, enc or kid");
    }
    return new JoseHeader(alg, enc, kid, typ, epk || apu || apv);
  }

  private static String once(String current, String value) {
    if (current != null) {
      throw new TokenRejected("duplicate header member");
    }
    return value;
  }

  private static boolean flag(boolean seen, JsonReader reader) {
    if (seen) {
      throw new TokenRejected("duplicate header member");
    }
    reader.skipValue();
    return true;
  }
}
