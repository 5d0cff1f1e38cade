package dev.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.spi.AccessRecord;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The laws of how the access log keeps client addresses and user agents: truncation keeps the network and nothing
 * of the host, and is idempotent; the keyed digest is one value per address and key, equal on every node with the
 * same key, different under another key, and never shows the address; a user agent is stored as bounded printable
 * ASCII whatever the browser sent.
 */
class ClientAddressProperties {
  private static final byte[] SECRET = new byte[KeyRing.MASTER_SECRET_BYTES];

  static {
    new SecureRandom().nextBytes(SECRET);
  }

  @Provide
  Arbitrary<byte[]> ipv4() {
    return Arbitraries.bytes().array(byte[].class).ofSize(4);
  }

  @Provide
  Arbitrary<byte[]> ipv6() {
    return Arbitraries.bytes().array(byte[].class).ofSize(16)
        .filter(b -> !isIpv4Mapped(b)); // those are IPv4 addresses, covered by ipv4()
  }

  /** An address as servers report it, in any of its spellings. */
  @Provide
  Arbitrary<String> addresses() {
    return Arbitraries.oneOf(ipv4().map(ClientAddressProperties::text),
        ipv6().flatMap(b -> Arbitraries.of(spellings(b))));
  }

  private static boolean isIpv4Mapped(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
  }

  private static String text(byte[] address) {
    try {
      return InetAddress.getByAddress(address).getHostAddress();
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /** The full, the compressed, the upper-case and the bracketed spellings of one IPv6 address. */
  private static String[] spellings(byte[] b) {
    String full = text(b);
    return new String[] {full, compressed(full), full.toUpperCase(Locale.ROOT), "[" + full + "]"};
  }

  /** The longest run of two or more zero groups written as {@code ::}. */
  private static String compressed(String full) {
    String[] groups = full.split(":");
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < groups.length; i++) {
      int j = i;
      while (j < groups.length && groups[j].equals("0")) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
    }
    if (bestStart < 0) {
      return full;
    }
    return String.join(":", Arrays.copyOfRange(groups, 0, bestStart)) + "::"
        + String.join(":", Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
  }

  private static AccessRecorder recorder(AddressPolicy policy, KeyRing keys) {
    return new AccessRecorder(policy, new KeyedDigest(() -> keys, MasterKey::tokenDigestKey, "client-address"));
  }

  private static final AccessRecorder TRUNCATING = recorder(AddressPolicy.TRUNCATED, KeyRing.generate());

  @Property
  void truncationIsIdempotent(@ForAll("addresses") String address) {
    String network = TRUNCATING.address(address);
    assertThat(network).isNotNull();
    assertThat(TRUNCATING.address(network)).isEqualTo(network);
  }

  @Property
  void anIpv4AddressKeepsItsSlash24AndNothingOfItsHost(@ForAll("ipv4") byte[] address,
      @ForAll @IntRange(min = 0, max = 255) int otherHost, @ForAll @IntRange(min = 0, max = 2) int octet,
      @ForAll @IntRange(min = 1, max = 255) int change) {
    String network = TRUNCATING.address(text(address));
    assertThat(network).isEqualTo((address[0] & 255) + "." + (address[1] & 255) + "." + (address[2] & 255)
        + ".0/24");
    byte[] sameNetwork = address.clone();
    sameNetwork[3] = (byte) otherHost;
    assertThat(TRUNCATING.address(text(sameNetwork))).isEqualTo(network);
    byte[] otherNetwork = address.clone();
    otherNetwork[octet] = (byte) (otherNetwork[octet] + change);
    assertThat(TRUNCATING.address(text(otherNetwork))).isNotEqualTo(network);
    // The IPv4-mapped spelling is the same address.
    assertThat(TRUNCATING.address("::ffff:" + text(address))).isEqualTo(network);
  }

  @Property
  void anIpv6AddressKeepsItsSlash48AndNothingOfItsHost(@ForAll("ipv6") byte[] address, @ForAll("ipv6") byte[] host,
      @ForAll @IntRange(min = 0, max = 5) int octet, @ForAll @IntRange(min = 1, max = 255) int change) {
    String network = TRUNCATING.address(text(address));
    assertThat(network).endsWith("::/48").doesNotContainAnyWhitespaces();
    byte[] sameNetwork = host.clone();
    System.arraycopy(address, 0, sameNetwork, 0, 6);
    for (String spelling : spellings(sameNetwork)) {
      assertThat(TRUNCATING.address(spelling)).as(spelling).isEqualTo(network);
    }
    byte[] otherNetwork = address.clone();
    otherNetwork[octet] = (byte) (otherNetwork[octet] + change);
    assertThat(TRUNCATING.address(text(otherNetwork))).isNotEqualTo(network);
    // It is the network's address (the first 48 bits, then zeros) in RFC 5952 text: lower case, no leading zeros.
    byte[] expected = new byte[16];
    System.arraycopy(address, 0, expected, 0, 6);
    String text = network.substring(0, network.length() - 3);
    assertThat(parse(text)).isEqualTo(expected);
    assertThat(text).isEqualTo(text.toLowerCase(Locale.ROOT)).doesNotContainPattern("(^|:)0[0-9a-f]");
  }

  private static byte[] parse(String ipv6) {
    try {
      return InetAddress.getByName("[" + ipv6 + "]").getAddress();
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  @Property(tries = 300) // each try derives four key rings
  void theDigestIsOneValuePerAddressAndKeyOnEveryNodeAndNeverTheAddress(@ForAll("addresses") String address) {
    // Two nodes, each with its own key ring built from the same master secret.
    String onA = recorder(AddressPolicy.KEYED_DIGEST, KeyRing.fromMasterSecret("k1", SECRET)).address(address);
    String onB = recorder(AddressPolicy.KEYED_DIGEST, KeyRing.fromMasterSecret("k1", SECRET)).address(address);
    String canonical = ClientAddresses.canonical(address);
    assertThat(onA).isEqualTo(onB).matches("k1\\.[A-Za-z0-9_-]{43}");
    assertThat(onA).doesNotContain(canonical).doesNotContain(address);
    assertThat(onA.length()).isLessThanOrEqualTo(AccessRecord.MAX_FIELD_LENGTH);
    // Another spelling of the same address digests alike; another key, differently.
    assertThat(recorder(AddressPolicy.KEYED_DIGEST, KeyRing.fromMasterSecret("k1", SECRET)).address(canonical))
        .isEqualTo(onA);
    byte[] other = SECRET.clone();
    other[0] ^= 1;
    assertThat(recorder(AddressPolicy.KEYED_DIGEST, KeyRing.fromMasterSecret("k1", other)).address(address))
        .isNotEqualTo(onA);
  }

  @Property
  void differentAddressesDigestDifferently(@ForAll("addresses") String a, @ForAll("addresses") String b) {
    var digests = recorder(AddressPolicy.KEYED_DIGEST, KeyRing.fromMasterSecret("k1", SECRET));
    boolean same = ClientAddresses.canonical(a).equals(ClientAddresses.canonical(b));
    assertThat(digests.address(a).equals(digests.address(b))).isEqualTo(same);
  }

  @Property
  void aUserAgentIsStoredAsBoundedPrintableAscii(@ForAll String sent) {
    String stored = AccessRecorder.userAgent(sent);
    if (stored != null) {
      assertThat(stored.length()).isBetween(1, AccessRecord.MAX_FIELD_LENGTH);
      assertThat(stored.chars()).allMatch(c -> c >= ' ' && c <= '~');
      // What the record accepts, and stable when stored again.
      new AccessRecord(AccessRecord.Step.REDEEMED, java.time.Instant.EPOCH, null, stored);
      assertThat(AccessRecorder.userAgent(stored)).isEqualTo(stored);
    }
  }

  @Example
  void hostileUserAgentsAreDefused() {
    String injection = "Mozilla/5.0\r\nSet-Cookie: admin=1\u0000\u001b[31m";
    assertThat(AccessRecorder.userAgent(injection)).isEqualTo("Mozilla/5.0??Set-Cookie: admin=1??[31m");
    assertThat(AccessRecorder.userAgent("Ünïcødé 🚀 \u202Eevil")).isEqualTo("?n?c?d? ? ?evil");
    assertThat(AccessRecorder.userAgent("x".repeat(10_240))).hasSize(AccessRecord.MAX_FIELD_LENGTH);
    assertThat(AccessRecorder.userAgent("   ")).isNull();
    assertThat(AccessRecorder.userAgent(null)).isNull();
  }

  @Example
  void onlyIpLiteralsAreReadAndNoNameIsLookedUp() {
    // "localhost" would be 127.0.0.0/24 had it been looked up.
    for (String notLiteral : new String[] {"localhost", "example.com", "unknown", "", " ", "1.2.3", "01.2.3.4",
        "0x7f.0.0.1", "256.1.1.1", "1.2.3.4.5", "deadbeef", "::g", "1.2.3.4:8080", "[1.2.3.4", "2001:db8::1::2",
        ".:", "192.0.2.1/33", "192.0.2.1/x"}) {
      assertThat(TRUNCATING.address(notLiteral)).as(notLiteral).isNull();
      assertThat(ClientAddresses.canonical(notLiteral)).as(notLiteral).isNull();
    }
    // A network wider than what truncation keeps would be claimed narrower than known: unknown instead. The
    // digest is of an address, never a network.
    for (String network : new String[] {"192.0.2.0/16", "2001:db8::/32", "192.0.2.0/24"}) {
      assertThat(ClientAddresses.canonical(network)).as(network).isNull();
    }
    assertThat(TRUNCATING.address("192.0.2.0/16")).isNull();
    assertThat(TRUNCATING.address("2001:db8::/32")).isNull();
    assertThat(TRUNCATING.address(null)).isNull();
    assertThat(TRUNCATING.address("192.0.2.77")).isEqualTo("192.0.2.0/24");
    assertThat(TRUNCATING.address(" 192.0.2.77 ")).isEqualTo("192.0.2.0/24");
    assertThat(TRUNCATING.address("::ffff:192.0.2.77")).isEqualTo("192.0.2.0/24");
    assertThat(TRUNCATING.address("2001:DB8:1:2::5")).isEqualTo("2001:db8:1::/48");
    assertThat(TRUNCATING.address("[2001:db8:0:2::5]")).isEqualTo("2001:db8::/48");
    assertThat(TRUNCATING.address("0:0:1::")).isEqualTo("0:0:1::/48");
    assertThat(TRUNCATING.address("::1")).isEqualTo("::/48");
    assertThat(TRUNCATING.address("fe80::1%eth0")).isEqualTo("fe80::/48");
    assertThat(recorder(AddressPolicy.NONE, KeyRing.generate()).address("192.0.2.77")).isNull();
  }
}
