package dev.handoff;

/** A public operation of {@link Handoff}, as reported to an {@link OperationObserver}. */
public enum Operation {
  /** {@link Handoff#create}. */
  CREATE,
  /** {@link Handoff#update}. */
  UPDATE,
  /** {@link Handoff#get}. */
  GET,
  /** {@link Handoff#list}. */
  LIST,
  /** {@link Handoff#redeem}. */
  REDEEM,
  /** {@link Handoff#authenticate}. */
  AUTHENTICATE,
  /** {@link Handoff#startLogin}. */
  START_LOGIN,
  /** {@link Handoff#verifyLogin}. */
  VERIFY_LOGIN,
  /** {@link Handoff#complete}. */
  COMPLETE,
  /** {@link Handoff#completeFromBrowser}. */
  COMPLETE_FROM_BROWSER,
  /** {@link Handoff#revoke}. */
  REVOKE,
  /** {@link Handoff#revokeAllOfUser} and {@link Handoff#revokeAllOfTenant}. */
  REVOKE_ALL,
  /** {@link Handoff#logout}. */
  LOGOUT,
  /** {@link Handoff#sweep}, and {@link Handoff#purgeExpired} which runs it. */
  PURGE,
  /** {@link Handoff#startRecovery}. */
  START_RECOVERY,
  /** {@link Handoff#recover}. */
  RECOVER
}
