package dev.handoff.web;

import dev.handoff.web.templates.JtecodeGenerated;
import dev.handoff.web.templates.JtecontinueGenerated;
import dev.handoff.web.templates.JtemessageGenerated;
import dev.handoff.web.templates.JterecoverGenerated;
import dev.handoff.web.templates.JterecovercodeGenerated;
import dev.handoff.web.templates.JtereviewGenerated;
import dev.handoff.web.templates.JtesigninGenerated;
import gg.jte.html.OwaspHtmlTemplateOutput;
import gg.jte.output.Utf8ByteOutput;
import java.nio.charset.StandardCharsets;

/**
 * The built-in pages: the JTE templates of {@code src/main/jte}, compiled with this module. JTE escapes every
 * value for the HTML context it lands in (element text, attribute, URL attribute, script). Stateless.
 */
final class JtePages implements PageRenderer {
  static final JtePages INSTANCE = new JtePages();

  private JtePages() {}

  @Override
  public String render(HostedPage page) {
    return new String(renderUtf8(page), StandardCharsets.UTF_8);
  }

  /**
   * Straight to UTF-8: the templates are compiled with their static text already encoded (JTE's
   * {@code binaryStaticContent}), which the output keeps by reference; only the page's values are encoded here.
   */
  @Override
  public byte[] renderUtf8(HostedPage page) {
    // Room for every chunk of the largest page (its static parts and values, about 100) without growing.
    var out = new Utf8ByteOutput(128);
    var html = new OwaspHtmlTemplateOutput(out);
    switch (page.kind()) {
      case CONTINUE -> JtecontinueGenerated.render(html, null, page);
      case SIGN_IN -> JtesigninGenerated.render(html, null, page);
      case ENTER_CODE -> JtecodeGenerated.render(html, null, page);
      case REVIEW -> JtereviewGenerated.render(html, null, page);
      case DONE, SIGNED_OUT, PROBLEM -> JtemessageGenerated.render(html, null, page);
      case RECOVER -> JterecoverGenerated.render(html, null, page);
      case RECOVER_CODE -> JterecovercodeGenerated.render(html, null, page);
    }
    return out.toByteArray();
  }

  @Override
  public String toString() {
    return "PageRenderer.defaults()";
  }
}
