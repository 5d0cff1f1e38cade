package dev.handoff.spi;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A hosted session as a {@link SessionStore} keeps it. Immutable; every change is a new value with
 * {@link #version()} one higher.
 *
 * <p>Neither the URL token nor anything from which it could be rebuilt is part of this record: only
 * {@link #tokenDigest()}, a keyed digest that lets the engine recognise the current token.
 *
 * @param tenant the tenant that owns the session; every lookup is scoped to it
 * @param id the session id, unique per tenant (e.g. {@code csn_…})
 * @param intent what the end user comes to do
 * @param subject who the session is for
 * @param callbackUrl where the hosted page sends the end user back to, or {@code null}
 * @param metadata JSON-shaped data of the embedding server, stored and returned as is (see {@link Json})
 * @param presentation JSON-shaped state of the hosted page (e.g. its theme and locale), stored and returned as is
 *     like {@code metadata}; empty unless set. It must hold nothing secret: {@link #toString()} shows it
 * @param createdAt when the session was created
 * @param modifiedAt when the session last changed
 * @param expiresAt the first instant at which the session is expired (it is valid while {@code now < expiresAt}):
 *     the link deadline until the first redemption, then the cap on the time in the hosted page (see
 *     {@link SessionClocks})
 * @param status the stored status; see {@link SessionStatus} for how expiry overrides it
 * @param tokenGeneration starts at 1 and grows each time a new URL token is minted; older tokens stop working
 * @param tokenDigest the keyed digest of the current token generation's nonce, as an opaque string
 * @param singleUse whether redemption consumes the URL token (the default), or it may be redeemed until expiry
 * @param idempotencyKey the client's idempotency key for the create request, or {@code null}
 * @param requestFingerprint a digest of the create request made under {@code idempotencyKey}, or {@code null};
 *     non-null exactly when {@code idempotencyKey} is
 * @param browser the browser session the URL was redeemed into, or {@code null} before redemption
 * @param challenge the one-time-code sign-in in progress, or {@code null}
 * @param clocks the link lifetime and the lifetime after redemption; a builder without them derives
 *     {@link SessionClocks#single}
 * @param recovery how this session relates to recovery, {@link Recovery#NONE} unless it replaced or was replaced
 * @param accessLog the audit of the browser steps taken (redemption, sign-in, recovery), oldest first, at most
 *     {@link AccessRecord#MAX_RECORDS}; empty while the status is {@link SessionStatus#OPEN}, so that
 *     {@link #consumedAs} always leaves exactly the one new record
 * @param version starts at 0 and grows by one with every stored change; the basis of compare-and-set
 */
public record StoredSession(
    String tenant,
    String id,
    Intent intent,
    Subject subject,
    String callbackUrl,
    Map<String, Object> metadata,
    Map<String, Object> presentation,
    Instant createdAt,
    Instant modifiedAt,
    Instant expiresAt,
    SessionStatus status,
    long tokenGeneration,
    String tokenDigest,
    boolean singleUse,
    String idempotencyKey,
    String requestFingerprint,
    BrowserBinding browser,
    LoginChallenge challenge,
    SessionClocks clocks,
    Recovery recovery,
    List<AccessRecord> accessLog,
    long version) {

  public StoredSession {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(intent, "intent");
    Objects.requireNonNull(subject, "subject");
    metadata = Json.copyOf(Objects.requireNonNull(metadata, "metadata"));
    presentation = Json.copyOf(Objects.requireNonNull(presentation, "presentation"));
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(modifiedAt, "modifiedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(tokenDigest, "tokenDigest");
    if (!expiresAt.isAfter(createdAt)) {
      throw new IllegalArgumentException("expiresAt must be after createdAt");
    }
    Objects.requireNonNull(clocks, "clocks");
    Objects.requireNonNull(recovery, "recovery");
    accessLog = List.copyOf(Objects.requireNonNull(accessLog, "accessLog"));
    if (accessLog.size() > AccessRecord.MAX_RECORDS) {
      throw new IllegalArgumentException("accessLog holds at most " + AccessRecord.MAX_RECORDS + " records");
    }
    if (status == SessionStatus.OPEN && !accessLog.isEmpty()) {
      // Nothing was redeemed yet. This lets a store write consume's log as the one new record, without reading it.
      throw new IllegalArgumentException("an OPEN session has an empty accessLog");
    }
    if (tokenGeneration < 1) {
      throw new IllegalArgumentException("tokenGeneration must be at least 1");
    }
    if (version < 0) {
      throw new IllegalArgumentException("version must not be negative");
    }
    if ((idempotencyKey == null) != (requestFingerprint == null)) {
      throw new IllegalArgumentException("idempotencyKey and requestFingerprint go together");
    }
  }

  /** Whether the session's lifetime is over at {@code now}. */
  public boolean isExpiredAt(Instant now) {
    return !now.isBefore(expiresAt);
  }

  /** The status as seen at {@code now}: {@link SessionStatus#EXPIRED} once a non-terminal session expired. */
  public SessionStatus statusAt(Instant now) {
    return !status.isTerminal() && isExpiredAt(now) ? SessionStatus.EXPIRED : status;
  }

  /**
   * The value a store keeps after a successful {@link SessionStore#consume}: {@code status} and {@code browser}
   * replaced, {@code expiresAt = now + clocks.activeLifetime()} (the second clock starts), {@code access} appended
   * to the {@linkplain AccessRecord#append access log}, {@code modifiedAt = now}, {@code version + 1}.
   */
  public StoredSession consumedAs(SessionStatus newStatus, BrowserBinding browser, AccessRecord access,
      Instant now) {
    return toBuilder()
        .status(newStatus)
        .browser(browser)
        .expiresAt(now.plus(clocks.activeLifetime()))
        .accessLog(AccessRecord.append(accessLog, access))
        .modifiedAt(now)
        .version(version + 1)
        .build();
  }

  /** A builder initialised with this session's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** An empty builder; every non-null component must be set before {@link Builder#build()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Omits metadata and the subject's personal data; shows the presentation, which holds no secret. */
  @Override
  public String toString() {
    return "StoredSession[tenant=" + tenant + ", id=" + id + ", intent=" + intent.type()
        + ", subject=" + subject.getClass().getSimpleName() + ", presentation=" + presentation
        + ", status=" + status
        + ", expiresAt=" + expiresAt + ", clocks=" + clocks + ", recovery=" + recovery
        + ", tokenGeneration=" + tokenGeneration + ", version=" + version + "]";
  }

  /** Builds a {@link StoredSession}; validation happens in {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private String tenant;
    private String id;
    private Intent intent;
    private Subject subject = Subject.ANONYMOUS;
    private String callbackUrl;
    private Map<String, Object> metadata = Map.of();
    private Map<String, Object> presentation = Map.of();
    private Instant createdAt;
    private Instant modifiedAt;
    private Instant expiresAt;
    private SessionStatus status = SessionStatus.OPEN;
    private long tokenGeneration = 1;
    private String tokenDigest;
    private boolean singleUse = true;
    private String idempotencyKey;
    private String requestFingerprint;
    private BrowserBinding browser;
    private LoginChallenge challenge;
    private SessionClocks clocks;
    private Recovery recovery = Recovery.NONE;
    private List<AccessRecord> accessLog = List.of();
    private long version;

    private Builder() {}

    private Builder(StoredSession s) {
      tenant = s.tenant;
      id = s.id;
      intent = s.intent;
      subject = s.subject;
      callbackUrl = s.callbackUrl;
      metadata = s.metadata;
      presentation = s.presentation;
      createdAt = s.createdAt;
      modifiedAt = s.modifiedAt;
      expiresAt = s.expiresAt;
      status = s.status;
      tokenGeneration = s.tokenGeneration;
      tokenDigest = s.tokenDigest;
      singleUse = s.singleUse;
      idempotencyKey = s.idempotencyKey;
      requestFingerprint = s.requestFingerprint;
      browser = s.browser;
      challenge = s.challenge;
      clocks = s.clocks;
      recovery = s.recovery;
      accessLog = s.accessLog;
      version = s.version;
    }

    public Builder tenant(String tenant) {
      this.tenant = tenant;
      return this;
    }

    public Builder id(String id) {
      this.id = id;
      return this;
    }

    public Builder intent(Intent intent) {
      this.intent = intent;
      return this;
    }

    public Builder subject(Subject subject) {
      this.subject = subject;
      return this;
    }

    public Builder callbackUrl(String callbackUrl) {
      this.callbackUrl = callbackUrl;
      return this;
    }

    public Builder metadata(Map<String, Object> metadata) {
      this.metadata = metadata;
      return this;
    }

    /** The hosted page's JSON-shaped state (theme, locale, ...); default empty. */
    public Builder presentation(Map<String, Object> presentation) {
      this.presentation = presentation;
      return this;
    }

    public Builder createdAt(Instant createdAt) {
      this.createdAt = createdAt;
      return this;
    }

    public Builder modifiedAt(Instant modifiedAt) {
      this.modifiedAt = modifiedAt;
      return this;
    }

    public Builder expiresAt(Instant expiresAt) {
      this.expiresAt = expiresAt;
      return this;
    }

    public Builder status(SessionStatus status) {
      this.status = status;
      return this;
    }

    public Builder tokenGeneration(long tokenGeneration) {
      this.tokenGeneration = tokenGeneration;
      return this;
    }

    public Builder tokenDigest(String tokenDigest) {
      this.tokenDigest = tokenDigest;
      return this;
    }

    public Builder singleUse(boolean singleUse) {
      this.singleUse = singleUse;
      return this;
    }

    /** Sets the idempotency key and the fingerprint of the request made under it (both or neither). */
    public Builder idempotency(String idempotencyKey, String requestFingerprint) {
      this.idempotencyKey = idempotencyKey;
      this.requestFingerprint = requestFingerprint;
      return this;
    }

    /** The browser session the URL was redeemed into, or {@code null}. */
    public Builder browser(BrowserBinding browser) {
      this.browser = browser;
      return this;
    }

    /** The one-time-code sign-in in progress, or {@code null}. */
    public Builder challenge(LoginChallenge challenge) {
      this.challenge = challenge;
      return this;
    }

    /** The two clocks; when not set, {@link #build()} uses {@link SessionClocks#single}. */
    public Builder clocks(SessionClocks clocks) {
      this.clocks = clocks;
      return this;
    }

    /** How the session relates to recovery; default {@link Recovery#NONE}. */
    public Builder recovery(Recovery recovery) {
      this.recovery = recovery;
      return this;
    }

    /** The audit of browser steps, oldest first; default empty. */
    public Builder accessLog(List<AccessRecord> accessLog) {
      this.accessLog = accessLog;
      return this;
    }

    public Builder version(long version) {
      this.version = version;
      return this;
    }

    public StoredSession build() {
      SessionClocks c = clocks;
      if (c == null && createdAt != null && expiresAt != null && expiresAt.isAfter(createdAt)) {
        c = SessionClocks.single(createdAt, expiresAt);
      }
      return new StoredSession(tenant, id, intent, subject, callbackUrl, metadata, presentation, createdAt,
          modifiedAt, expiresAt, status, tokenGeneration, tokenDigest, singleUse, idempotencyKey,
          requestFingerprint, browser, challenge, c, recovery, accessLog, version);
    }
  }
}
