package dev.handoff.spring;

import dev.handoff.AddressPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.Resource;

/**
 * Configuration of the Handoff engine and its Spring integration, bound from {@code handoff.*}. Unset values take
 * the engine's defaults. Mutable while Spring binds it, read-only afterwards; not thread-safe during binding.
 */
@ConfigurationProperties("handoff")
public class HandoffProperties {
  /** Lifetime of sessions created without one. Default 1 hour. */
  private Duration defaultTtl;
  /** Longest lifetime a create request may ask for. Default 7 days. */
  private Duration maxTtl;
  /** How long expired sessions are kept before they are deleted (by the sweeper). Default 1 day. */
  private Duration retention;
  /** How far the clock of a node that minted a token may run ahead of this one's. Default 30 seconds. */
  private Duration clockSkew;
  /** Prefix of session ids, e.g. "csn_": up to 16 letters, digits or underscores. Default none. */
  private String idPrefix;
  /** Whether session URLs can be redeemed once (the default) or until they expire; a request may override it. */
  private Boolean singleUse;
  /**
   * How long a hosted-page browser session may stay idle before it ends, for sessions created without an idle
   * timeout; at least 1 minute and at most handoff.max-idle-timeout. Default 30 minutes.
   */
  private Duration idleTimeout;
  /** Longest idle timeout a create request may ask for; at least handoff.idle-timeout. Default 1 day. */
  private Duration maxIdleTimeout;
  /**
   * Active lifetime of sessions created without one: the cap on the time in the hosted page, counted from the first
   * redemption; at least 1 minute and at most handoff.max-active-lifetime. Default 1 hour.
   */
  private Duration defaultActiveLifetime;
  /**
   * Longest active lifetime a create request may ask for; at least handoff.default-active-lifetime. Default 1 day.
   */
  private Duration maxActiveLifetime;
  /**
   * How client addresses are kept in sessions' access logs: "truncated" (the network: an IPv4 /24, an IPv6 /48),
   * "keyed-digest" (a keyed digest of the whole address, equal across nodes that share the key ring) or "none".
   * Default truncated.
   */
  private AddressPolicy addressPolicy;
  /** Longest token accepted for redemption, in characters (at least 1024). Default 4096. */
  private Integer maxTokenLength;
  /**
   * Most bytes one session may carry for the application (intent payload, metadata and user details, as compact
   * JSON), at least 1024. Default 16 KiB.
   */
  private Integer maxSessionDataBytes;
  /**
   * Profiles in which Handoff starts without production configuration: a missing key is generated (tokens then die
   * with the process) and handoff.web.public-url defaults to localhost. Outside them, both are required.
   */
  private List<String> developmentProfiles = new ArrayList<>(List.of("dev", "local", "test"));

  private final Keys keys = new Keys();
  private final Web web = new Web();
  private final Login login = new Login();
  private final Jdbc jdbc = new Jdbc();
  private final Redis redis = new Redis();
  private final Memory memory = new Memory();
  private final Sweeper sweeper = new Sweeper();
  private final Health health = new Health();
  private final Metrics metrics = new Metrics();

  public Duration getDefaultTtl() {
    return defaultTtl;
  }

  public void setDefaultTtl(Duration defaultTtl) {
    this.defaultTtl = defaultTtl;
  }

  public Duration getMaxTtl() {
    return maxTtl;
  }

  public void setMaxTtl(Duration maxTtl) {
    this.maxTtl = maxTtl;
  }

  public Duration getRetention() {
    return retention;
  }

  public void setRetention(Duration retention) {
    this.retention = retention;
  }

  public Duration getClockSkew() {
    return clockSkew;
  }

  public void setClockSkew(Duration clockSkew) {
    this.clockSkew = clockSkew;
  }

  public String getIdPrefix() {
    return idPrefix;
  }

  public void setIdPrefix(String idPrefix) {
    this.idPrefix = idPrefix;
  }

  public Boolean getSingleUse() {
    return singleUse;
  }

  public void setSingleUse(Boolean singleUse) {
    this.singleUse = singleUse;
  }

  public Duration getIdleTimeout() {
    return idleTimeout;
  }

  public void setIdleTimeout(Duration idleTimeout) {
    this.idleTimeout = idleTimeout;
  }

  public Duration getMaxIdleTimeout() {
    return maxIdleTimeout;
  }

  public void setMaxIdleTimeout(Duration maxIdleTimeout) {
    this.maxIdleTimeout = maxIdleTimeout;
  }

  public Duration getDefaultActiveLifetime() {
    return defaultActiveLifetime;
  }

  public void setDefaultActiveLifetime(Duration defaultActiveLifetime) {
    this.defaultActiveLifetime = defaultActiveLifetime;
  }

  public Duration getMaxActiveLifetime() {
    return maxActiveLifetime;
  }

  public void setMaxActiveLifetime(Duration maxActiveLifetime) {
    this.maxActiveLifetime = maxActiveLifetime;
  }

  public AddressPolicy getAddressPolicy() {
    return addressPolicy;
  }

  public void setAddressPolicy(AddressPolicy addressPolicy) {
    this.addressPolicy = addressPolicy;
  }

  public Integer getMaxTokenLength() {
    return maxTokenLength;
  }

  public void setMaxTokenLength(Integer maxTokenLength) {
    this.maxTokenLength = maxTokenLength;
  }

  public Integer getMaxSessionDataBytes() {
    return maxSessionDataBytes;
  }

  public void setMaxSessionDataBytes(Integer maxSessionDataBytes) {
    this.maxSessionDataBytes = maxSessionDataBytes;
  }

  public List<String> getDevelopmentProfiles() {
    return developmentProfiles;
  }

  public void setDevelopmentProfiles(List<String> developmentProfiles) {
    this.developmentProfiles = developmentProfiles;
  }

  /** Whether one of {@link #getDevelopmentProfiles()} is active. */
  boolean inDevelopment(org.springframework.core.env.Environment environment) {
    return java.util.Arrays.stream(environment.getActiveProfiles()).anyMatch(developmentProfiles::contains);
  }

  public Keys getKeys() {
    return keys;
  }

  public Web getWeb() {
    return web;
  }

  public Login getLogin() {
    return login;
  }

  public Jdbc getJdbc() {
    return jdbc;
  }

  public Redis getRedis() {
    return redis;
  }

  public Memory getMemory() {
    return memory;
  }

  public Sweeper getSweeper() {
    return sweeper;
  }

  public Health getHealth() {
    return health;
  }

  public Metrics getMetrics() {
    return metrics;
  }

  /**
   * The key ring. Every source may be combined with the others; key ids must be unique across all of them. Without
   * any source, a key is generated at start-up, in a development profile only (handoff.development-profiles).
   */
  public static class Keys {
    /**
     * Master secrets by key id: 32 random bytes each, Base64 (standard or URL-safe). They mint and redeem tokens.
     * A blank value is ignored.
     */
    private Map<String, String> masterSecrets = new LinkedHashMap<>();
    /** Digest-only secrets by key id (32 bytes, Base64), for the minting tier of a split deployment. */
    private Map<String, String> digestSecrets = new LinkedHashMap<>();
    /** A JWK Set file (RFC 7517), e.g. "file:/etc/handoff/keys.json", whose keys are all added. */
    private Resource jwkSet;
    /** PEM files by key id: P-256 or X25519 agreement keys, private (redeem and mint) or public (mint only). */
    private Map<String, Resource> pem = new LinkedHashMap<>();
    /** The key id that mints new tokens. Default: the first key that can. */
    private String activeKid;

    public Map<String, String> getMasterSecrets() {
      return masterSecrets;
    }

    public void setMasterSecrets(Map<String, String> masterSecrets) {
      this.masterSecrets = masterSecrets;
    }

    public Map<String, String> getDigestSecrets() {
      return digestSecrets;
    }

    public void setDigestSecrets(Map<String, String> digestSecrets) {
      this.digestSecrets = digestSecrets;
    }

    public Resource getJwkSet() {
      return jwkSet;
    }

    public void setJwkSet(Resource jwkSet) {
      this.jwkSet = jwkSet;
    }

    public Map<String, Resource> getPem() {
      return pem;
    }

    public void setPem(Map<String, Resource> pem) {
      this.pem = pem;
    }

    public String getActiveKid() {
      return activeKid;
    }

    public void setActiveKid(String activeKid) {
      this.activeKid = activeKid;
    }

    /** Whether no key is configured; a blank secret counts as none, so {@code ${ENV_VARIABLE:}} works. */
    boolean isEmpty() {
      return masterSecrets.values().stream().allMatch(KeyRingFromProperties::isBlank)
          && digestSecrets.values().stream().allMatch(KeyRingFromProperties::isBlank) && jwkSet == null
          && pem.isEmpty();
    }
  }

  /**
   * The hosted pages: where end users reach them (session URLs point to their entry), and, in a servlet web
   * application, the {@code HandoffServlet} that serves them at {@code {context-path}{path}/*}. The pages carry their
   * own CSRF protection (Fetch Metadata, Origin and a form token): an application that uses Spring Security exempts
   * {@code {path}/**} from its CSRF check and permits it to anonymous users.
   */
  public static class Web {
    /**
     * Whether this application serves the hosted flow (in a servlet web application). Turn it off to serve the pages
     * elsewhere; session URLs still point to handoff.web.public-url.
     */
    private boolean enabled = true;
    /**
     * Path of the hosted flow below the servlet context path, where its servlet is mapped; session URLs point to
     * "{public-url}{context-path}{path}/entry". If the application uses Spring Security, exempt "{path}/**" from its
     * CSRF check (the pages check their own) and permit it to all.
     */
    private String path = "/handoff";
    /**
     * Origin end users reach this application at, e.g. "https://connect.example.com": https, or http to localhost,
     * without a path. Session URLs point there and the hosted pages accept forms from it only. Required outside
     * handoff.development-profiles; there it defaults to "http://localhost:{server.port}".
     */
    private String publicUrl;
    /**
     * Name of the hosted pages' browser-session cookie (over https it gets the __Host- prefix): 1 to 32 letters,
     * digits, '-' or '_'. Give flows that share a host distinct names. Default "handoff".
     */
    private String cookieName;
    /** Largest request body the hosted pages read, 1 KiB to 1 MiB; a larger one is answered with 413. */
    private int maxFormBytes = 16384;
    /** Longest a request body may take to arrive, 1 second to 10 minutes; a slower one is answered with 408. */
    private Duration requestTimeout = Duration.ofSeconds(20);

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getPath() {
      return path;
    }

    public void setPath(String path) {
      this.path = path;
    }

    public String getPublicUrl() {
      return publicUrl;
    }

    public void setPublicUrl(String publicUrl) {
      this.publicUrl = publicUrl;
    }

    public String getCookieName() {
      return cookieName;
    }

    public void setCookieName(String cookieName) {
      this.cookieName = cookieName;
    }

    public int getMaxFormBytes() {
      return maxFormBytes;
    }

    public void setMaxFormBytes(int maxFormBytes) {
      this.maxFormBytes = maxFormBytes;
    }

    public Duration getRequestTimeout() {
      return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
      this.requestTimeout = requestTimeout;
    }
  }

  /** One-time-code sign-in for sessions created without a user. */
  public static class Login {
    /**
     * Whether the application creates sessions without a user, whose end users sign in with a one-time code: then
     * an OtpSender bean is required. Set to false if every session names its user.
     */
    private boolean unauthenticatedSessions = true;
    /** Characters per code, 4 to 12. */
    private int codeLength = 6;
    /** Characters codes are drawn from, 2 to 64 distinct. */
    private String alphabet = "0123456789";
    /** How long a code works (at least 30 seconds). */
    private Duration codeTtl = Duration.ofMinutes(10);
    /** Wrong codes accepted per code before it is dead. */
    private int maxAttempts = 5;
    /** Codes sent per session at most. */
    private int maxSends = 5;
    /** Shortest time between two codes sent for one session. */
    private Duration minSendInterval = Duration.ofSeconds(30);
    /** Whether a verified email the tenant does not know creates a user. */
    private boolean signUp;

    public boolean isUnauthenticatedSessions() {
      return unauthenticatedSessions;
    }

    public void setUnauthenticatedSessions(boolean unauthenticatedSessions) {
      this.unauthenticatedSessions = unauthenticatedSessions;
    }

    public int getCodeLength() {
      return codeLength;
    }

    public void setCodeLength(int codeLength) {
      this.codeLength = codeLength;
    }

    public String getAlphabet() {
      return alphabet;
    }

    public void setAlphabet(String alphabet) {
      this.alphabet = alphabet;
    }

    public Duration getCodeTtl() {
      return codeTtl;
    }

    public void setCodeTtl(Duration codeTtl) {
      this.codeTtl = codeTtl;
    }

    public int getMaxAttempts() {
      return maxAttempts;
    }

    public void setMaxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
    }

    public int getMaxSends() {
      return maxSends;
    }

    public void setMaxSends(int maxSends) {
      this.maxSends = maxSends;
    }

    public Duration getMinSendInterval() {
      return minSendInterval;
    }

    public void setMinSendInterval(Duration minSendInterval) {
      this.minSendInterval = minSendInterval;
    }

    public boolean isSignUp() {
      return signUp;
    }

    public void setSignUp(boolean signUp) {
      this.signUp = signUp;
    }
  }

  /**
   * The Redis store (module handoff-storage-redis on the class path), used when a URL is set, in preference to a
   * DataSource.
   */
  public static class Redis {
    /** A standalone Redis or Valkey server, e.g. redis://127.0.0.1:6379 or rediss://:password@host:6380. */
    private String url;
    /** Nodes of a Redis Cluster to discover it from, e.g. redis://10.0.0.1:7000; instead of url. */
    private List<String> clusterUrls = new ArrayList<>();
    /** What every key of the store starts with (no braces). */
    private String keyPrefix = "handoff:";
    /** Longest a store call waits for Redis before it fails with STORAGE_UNAVAILABLE (its outcome then unknown). */
    private Duration commandTimeout = Duration.ofSeconds(2);
    /** Longest connecting to Redis may take. */
    private Duration connectTimeout = Duration.ofSeconds(5);

    public String getUrl() {
      return url;
    }

    public void setUrl(String url) {
      this.url = url;
    }

    public List<String> getClusterUrls() {
      return clusterUrls;
    }

    public void setClusterUrls(List<String> clusterUrls) {
      this.clusterUrls = clusterUrls;
    }

    public String getKeyPrefix() {
      return keyPrefix;
    }

    public void setKeyPrefix(String keyPrefix) {
      this.keyPrefix = keyPrefix;
    }

    public Duration getCommandTimeout() {
      return commandTimeout;
    }

    public void setCommandTimeout(Duration commandTimeout) {
      this.commandTimeout = commandTimeout;
    }

    public Duration getConnectTimeout() {
      return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
    }
  }

  /** The JDBC store, used when the application has a DataSource. */
  public static class Jdbc {
    /** Prefix of the table name; the table is "{prefix}sessions". */
    private String tablePrefix = "handoff_";
    /** Most rows one transaction of a sweep deletes, 1 to 10000. */
    private int deleteBatchSize = 500;
    /** Longest one SQL statement may run before it is cancelled (whole seconds, 1 second to 1 hour). */
    private Duration statementTimeout = Duration.ofSeconds(5);
    /** Largest session the store writes, in bytes of stored text (1 KiB to 15 MiB); larger ones are refused. */
    private int maxSessionBytes = 1 << 20;
    /**
     * Whether to create Handoff's schema at start-up ("always", idempotent) or leave it to your migrations
     * ("never").
     */
    private SchemaInitialization initializeSchema = SchemaInitialization.NEVER;

    public String getTablePrefix() {
      return tablePrefix;
    }

    public void setTablePrefix(String tablePrefix) {
      this.tablePrefix = tablePrefix;
    }

    public int getDeleteBatchSize() {
      return deleteBatchSize;
    }

    public void setDeleteBatchSize(int deleteBatchSize) {
      this.deleteBatchSize = deleteBatchSize;
    }

    public Duration getStatementTimeout() {
      return statementTimeout;
    }

    public void setStatementTimeout(Duration statementTimeout) {
      this.statementTimeout = statementTimeout;
    }

    public int getMaxSessionBytes() {
      return maxSessionBytes;
    }

    public void setMaxSessionBytes(int maxSessionBytes) {
      this.maxSessionBytes = maxSessionBytes;
    }

    public SchemaInitialization getInitializeSchema() {
      return initializeSchema;
    }

    public void setInitializeSchema(SchemaInitialization initializeSchema) {
      this.initializeSchema = initializeSchema;
    }
  }

  /** The in-memory store, used when the application has no DataSource: one node only. */
  public static class Memory {
    /** Most sessions held at once (expired ones within their retention included); a full store refuses new ones. */
    private long maximumSize = 1_000_000;
    /** Most sessions one tenant may hold at once; set it when several tenants share the node. Default none. */
    private Long maximumSessionsPerTenant;

    public long getMaximumSize() {
      return maximumSize;
    }

    public void setMaximumSize(long maximumSize) {
      this.maximumSize = maximumSize;
    }

    public Long getMaximumSessionsPerTenant() {
      return maximumSessionsPerTenant;
    }

    public void setMaximumSessionsPerTenant(Long maximumSessionsPerTenant) {
      this.maximumSessionsPerTenant = maximumSessionsPerTenant;
    }
  }

  /** Whether the starter creates the JDBC store's schema. */
  public enum SchemaInitialization {
    /** Create the tables and indexes at start-up if they are missing. */
    ALWAYS,
    /** Never touch the schema: it belongs to the application's migrations. */
    NEVER
  }

  /**
   * Background sweeping of the engine, on every node: sessions whose time ran out are marked expired, their end
   * published once across nodes (EXPIRED, and ABANDONED for redeemed ones), and ended sessions deleted after
   * handoff.retention.
   */
  public static class Sweeper {
    /** Whether to sweep in the background. */
    private boolean enabled = true;
    /** Time between the end of one sweep and the start of the next (at least 10 ms). */
    private Duration interval = Duration.ofMinutes(1);
    /** Sessions marked expired, and sessions deleted, per engine sweep call (at least 1). */
    private int batchLimit = 50;
    /** Engine sweep calls per sweep at most, bounding how long one sweep takes (at least 1). */
    private int maxBatchesPerRun = 1000;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public Duration getInterval() {
      return interval;
    }

    public void setInterval(Duration interval) {
      this.interval = interval;
    }

    public int getBatchLimit() {
      return batchLimit;
    }

    public void setBatchLimit(int batchLimit) {
      this.batchLimit = batchLimit;
    }

    public int getMaxBatchesPerRun() {
      return maxBatchesPerRun;
    }

    public void setMaxBatchesPerRun(int maxBatchesPerRun) {
      this.maxBatchesPerRun = maxBatchesPerRun;
    }
  }

  /** The Actuator health indicator "handoff". */
  public static class Health {
    /** Longest a store probe may take before the indicator reports DOWN. */
    private Duration timeout = Duration.ofSeconds(2);

    public Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }
  }

  /** Micrometer meters "handoff.operations" and "handoff.events". */
  public static class Metrics {
    /**
     * Whether meters carry a "tenant" tag. Off by default: tenant ids can be many (one time series each) and may
     * be personal data.
     */
    private boolean tenantTag;

    public boolean isTenantTag() {
      return tenantTag;
    }

    public void setTenantTag(boolean tenantTag) {
      this.tenantTag = tenantTag;
    }
  }
}
