package dev.handoff.web;

/** WCAG 2 contrast of {@code #rrggbb} colours, so that a theme's colour never makes text unreadable. */
final class Contrast {
  static final String DEFAULT_PRIMARY = "#1d4ed8";
  static final String TEXT = "#1f2937";
  private static final String WHITE = "#ffffff";
  /** The default theme's colours, worked out once rather than on every page. */
  static final String ON_DEFAULT_PRIMARY = readableOn(DEFAULT_PRIMARY);
  static final String DEFAULT_LINK = linkOnWhite(DEFAULT_PRIMARY);

  private Contrast() {}

  /** White or the text colour, whichever contrasts more with {@code background}. */
  static String readableOn(String background) {
    return ratio(background, WHITE) >= ratio(background, TEXT) ? WHITE : TEXT;
  }

  /** The colour of links on white: {@code color} if it contrasts 4.5:1 or more with white, else the text colour. */
  static String linkOnWhite(String color) {
    return ratio(color, WHITE) >= 4.5 ? color : TEXT;
  }

  /** The contrast ratio of two colours, 1 to 21. */
  static double ratio(String a, String b) {
    double la = luminance(a);
    double lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  private static double luminance(String hex) {
    int rgb = Integer.parseInt(hex.substring(1), 16);
    return 0.2126 * channel(rgb >> 16) + 0.7152 * channel(rgb >> 8) + 0.0722 * channel(rgb);
  }

  private static double channel(int value) {
    double c = (value & 0xff) / 255.0;
    return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  }
}
