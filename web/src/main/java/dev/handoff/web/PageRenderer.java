package dev.handoff.web;

import java.nio.charset.StandardCharsets;

/**
 * Turns a {@link HostedPage} into HTML. The built-in renderer ({@link #defaults()}) uses precompiled JTE templates
 * with contextual auto-escaping; supply your own through {@link HostedFlow.Builder#pageRenderer} to replace some
 * pages or all of them, and delegate the rest:
 *
 * <pre>{@code
 * PageRenderer builtIn = PageRenderer.defaults();
 * HostedFlow.builder(handoff)
 *     .pageRenderer(page -> page.kind() == HostedPage.Kind.REVIEW ? myReviewPage(page) : builtIn.render(page))
 *     ...
 * }</pre>
 *
 * A renderer must escape every value of the page for the context it puts it in (the page holds untrusted text:
 * intent values, user names, theme names), keep the forms and field names listed on {@link HostedPage}, and put
 * {@link HostedPage#nonce()} on its inline scripts and styles. Implementations must be thread-safe: one renderer
 * serves every request.
 */
@FunctionalInterface
public interface PageRenderer {

  /** The page as a complete HTML document. */
  String render(HostedPage page);

  /**
   * The page as a complete HTML document in UTF-8, as the flow writes it: by default {@link #render} encoded. A
   * renderer that can write bytes directly (the built-in one does) overrides this to skip the string. Returns a
   * new array, which the caller owns.
   */
  default byte[] renderUtf8(HostedPage page) {
    return render(page).getBytes(StandardCharsets.UTF_8);
  }

  /** The built-in pages: accessible, responsive, themed, in English and German. Thread-safe. */
  static PageRenderer defaults() {
    return JtePages.INSTANCE;
  }
}
