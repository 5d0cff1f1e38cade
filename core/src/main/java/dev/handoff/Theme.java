package dev.handoff;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How the hosted page presents one session (Apideck's {@code theme}): the product's name, its logo and its primary
 * colour. Every part is optional; the page uses neutral defaults for what is missing. Validated when made, so a
 * theme that exists is safe to render: a plain-text name, an {@code https} logo URL in ASCII form, and a colour of
 * the form {@code #rrggbb}. Immutable and thread-safe.
 *
 * @param productName the name shown in the page header, 1 to 100 characters without control or bidi characters,
 *     or {@code null}
 * @param logoUrl an absolute {@code https} URL of the logo image (at most 2083 characters), or {@code null}
 * @param primaryColor the colour of buttons and links, {@code #rrggbb} (stored in lower case), or {@code null}
 */
public record Theme(String productName, String logoUrl, String primaryColor) {
  /** A theme with nothing set: the page's defaults. */
  public static final Theme DEFAULT = new Theme(null, null, null);

  /**
   * @throws HandoffException {@link ErrorCode#INVALID_REQUEST} for a part that breaks its rule
   */
  public Theme {
    if (productName != null) {
      productName = productName.strip();
      if (productName.isEmpty() || productName.length() > 100 || productName.codePoints().anyMatch(Theme::invisible)) {
        throw invalid("productName must be 1 to 100 characters without control or bidi characters");
      }
    }
    if (logoUrl != null) {
      String ascii = CallbackUrl.validate(logoUrl);
      if (!ascii.regionMatches(true, 0, "https:", 0, 6)) {
        throw invalid("logoUrl must be an https URL");
      }
      logoUrl = ascii;
    }
    if (primaryColor != null) {
      if (!primaryColor.matches("#[0-9a-fA-F]{6}")) {
        throw invalid("primaryColor must be #rrggbb, e.g. #286efa");
      }
      primaryColor = primaryColor.toLowerCase(Locale.ROOT);
    }
  }

  /** The product name, if set. */
  public Optional<String> optionalProductName() {
    return Optional.ofNullable(productName);
  }

  /** The logo URL, if set. */
  public Optional<String> optionalLogoUrl() {
    return Optional.ofNullable(logoUrl);
  }

  /** The primary colour, if set. */
  public Optional<String> optionalPrimaryColor() {
    return Optional.ofNullable(primaryColor);
  }

  /** Whether nothing is set. */
  public boolean isDefault() {
    return productName == null && logoUrl == null && primaryColor == null;
  }

  /** The JSON-shaped form stored with the session: only the parts that are set. */
  Map<String, Object> toJson() {
    var json = new LinkedHashMap<String, Object>();
    if (productName != null) {
      json.put("productName", productName);
    }
    if (logoUrl != null) {
      json.put("logoUrl", logoUrl);
    }
    if (primaryColor != null) {
      json.put("primaryColor", primaryColor);
    }
    return json;
  }

  /** The theme stored as {@link #toJson()}; a part that no longer validates is dropped rather than failing a page. */
  static Theme fromJson(Object json) {
    if (!(json instanceof Map<?, ?> map)) {
      return DEFAULT;
    }
    String name = map.get("productName") instanceof String s ? s : null;
    String logo = map.get("logoUrl") instanceof String s ? s : null;
    String color = map.get("primaryColor") instanceof String s ? s : null;
    try {
      return new Theme(name, logo, color);
    } catch (HandoffException e) {
      return DEFAULT;
    }
  }

  private static boolean invisible(int cp) {
    int type = Character.getType(cp);
    return type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
        || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
  }

  private static HandoffException invalid(String why) {
    return new HandoffException(ErrorCode.INVALID_REQUEST, "theme " + why);
  }
}
