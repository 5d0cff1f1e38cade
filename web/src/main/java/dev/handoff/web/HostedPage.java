package dev.handoff.web;

import dev.handoff.Theme;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one page of the hosted flow shows, ready to render: every text is already localised and every value
 * is plain text (a renderer escapes it for its context, as the built-in JTE templates do). A {@link PageRenderer}
 * turns it into HTML. Immutable and thread-safe.
 *
 * <p>Forms a page must contain, by {@link #kind()} (field names are part of the protocol):
 * <ul>
 *   <li>{@link Kind#CONTINUE}: {@code POST {action("entry")}} with hidden {@code session} and {@code token}
 *       ({@link #sessionId()}, {@link #token()}); submit it at once from a script carrying {@link #nonce()},
 *       with a visible button as the fallback.
 *   <li>{@link Kind#SIGN_IN}: {@code POST {action("login")}} with {@code email} and hidden {@code csrf}.
 *   <li>{@link Kind#ENTER_CODE}: {@code POST {action("verify")}} with {@code code} and hidden {@code csrf}; a link
 *       to {@code {action("session")}?step=email} to ask for another code.
 *   <li>{@link Kind#REVIEW}: {@code POST {action("complete")}} and {@code POST {action("logout")}}, each with hidden
 *       {@code csrf}.
 *   <li>{@link Kind#SIGN_IN}, {@link Kind#ENTER_CODE}, {@link Kind#REVIEW}: {@code POST {action("cancel")}} with
 *       hidden {@code csrf}, when {@link #wayBack()} is present.
 *   <li>{@link Kind#RECOVER}: {@code POST {action("recover")}} with {@code email} and hidden {@code ticket}
 *       ({@link #recoveryTicket()}).
 *   <li>{@link Kind#RECOVER_CODE}: {@code POST {action("recover/verify")}} with {@code code} and hidden
 *       {@code csrf}; a link to {@code {action("recover")}?step=email} to ask for another code.
 *   <li>{@link Kind#RECOVER}, {@link Kind#RECOVER_CODE}: a link to {@link #wayBack()} when present.
 *   <li>{@link Kind#DONE}, {@link Kind#SIGNED_OUT}, {@link Kind#PROBLEM}: no form; a link to {@link #wayBack()}
 *       when present.
 * </ul>
 * Inline {@code <script>} and {@code <style>} elements need {@code nonce="{nonce()}"}: the Content-Security-Policy
 * allows nothing else (no inline {@code style} attributes, no other origins but {@code https:} images).
 *
 * @param kind which page this is
 * @param texts the localised strings of the page's locale
 * @param theme the session's theme, {@link Theme#DEFAULT} when it has none or is not known yet
 * @param nonce the Content-Security-Policy nonce of this response
 * @param basePath the public path the flow is mounted at ({@code ""} at the root); see {@link #action}
 * @param title the page's heading, localised
 * @param message the explanation under the heading, localised, or {@code null}
 * @param notice an alert to show prominently (a wrong code, a locked sign-in), localised, or {@code null}
 * @param intent what the end user is about to do, or {@code null} where no session is known
 * @param userDisplay who is signed in (name and email), or {@code null}
 * @param formToken the value of the hidden {@code csrf} field of every form but the continue form, or {@code null}
 * @param wayBack where "back" leads (the session's callback URL, ASCII), or {@code null}
 * @param sessionId the {@code session} field of the continue form, or {@code null}
 * @param token the {@code token} field of the continue form, or {@code null}; never show it as text
 * @param recoveryTicket the {@code ticket} field of the recovery form, or {@code null}; never show it as text
 */
public record HostedPage(Kind kind, PageTexts texts, Theme theme, String nonce, String basePath, String title,
    String message, String notice, IntentSummary intent, String userDisplay, String formToken, String wayBack,
    String sessionId, String token, String recoveryTicket) {

  /** The pages of the hosted flow. */
  public enum Kind {
    /** The link was opened: continue (redeem) with a POST. */
    CONTINUE,
    /** An unauthenticated session: which email to send a one-time code to. */
    SIGN_IN,
    /** A code was sent: enter it. */
    ENTER_CODE,
    /** Signed in: what is about to happen, with complete, cancel and sign out. */
    REVIEW,
    /** The session was completed (also after Back). */
    DONE,
    /** The end user signed out or cancelled. */
    SIGNED_OUT,
    /** Something went wrong or the link cannot be used: what happened and the way back. */
    PROBLEM,
    /**
     * The link expired or was used, or the browser session ended, but the session can be continued by email: what
     * happened, and which email to send a one-time code to.
     */
    RECOVER,
    /** A recovery code was sent: enter it. */
    RECOVER_CODE
  }

  /**
   * What the session's intent means to the end user.
   *
   * @param title e.g. "Subscribe to plan Pro": the intent's display name with its fields filled in
   * @param details labelled payload fields, in order
   */
  public record IntentSummary(String title, List<Detail> details) {
    public IntentSummary {
      Objects.requireNonNull(title, "title");
      details = List.copyOf(details);
    }
  }

  /**
   * One labelled value.
   *
   * @param label e.g. "Plan"
   * @param value e.g. "Pro"
   */
  public record Detail(String label, String value) {
    public Detail {
      Objects.requireNonNull(label, "label");
      Objects.requireNonNull(value, "value");
    }
  }

  public HostedPage {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(texts, "texts");
    Objects.requireNonNull(theme, "theme");
    Objects.requireNonNull(nonce, "nonce");
    Objects.requireNonNull(basePath, "basePath");
    Objects.requireNonNull(title, "title");
  }

  /** The public path of a route of the flow, e.g. {@code action("verify")} is {@code /checkout/verify}. */
  public String action(String route) {
    return basePath + "/" + route;
  }

  /** The theme's primary colour, else a blue with 4.5:1 contrast to white. */
  public String primaryColor() {
    return theme.primaryColor() == null ? Contrast.DEFAULT_PRIMARY : theme.primaryColor();
  }

  /** White or near-black, whichever contrasts more with {@link #primaryColor()}: the text on primary buttons. */
  public String onPrimaryColor() {
    return theme.primaryColor() == null ? Contrast.ON_DEFAULT_PRIMARY : Contrast.readableOn(primaryColor());
  }

  /** The colour of links on white: the primary colour if it contrasts 4.5:1 or more with white, else the text colour. */
  public String linkColor() {
    return theme.primaryColor() == null ? Contrast.DEFAULT_LINK : Contrast.linkOnWhite(primaryColor());
  }

  /** The way back, if the session has a callback URL. */
  public Optional<String> optionalWayBack() {
    return Optional.ofNullable(wayBack);
  }

  /** Leaves out the form token, the link token and the recovery ticket. */
  @Override
  public String toString() {
    return "HostedPage[" + kind + ", " + texts.locale().toLanguageTag() + ", " + title + "]";
  }
}
