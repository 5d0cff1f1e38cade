package dev.handoff.spring;

import static dev.handoff.spring.HandoffAutoConfiguration.Engine.set;

import dev.handoff.Handoff;
import dev.handoff.servlet.HandoffServlet;
import dev.handoff.web.HostedFlow;
import dev.handoff.web.PageRenderer;
import jakarta.servlet.Servlet;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Serves the hosted flow of the {@link Handoff} bean in a servlet web application: a {@link HostedFlow} from
 * {@code handoff.web.*} (with the application's {@link PageRenderer} bean, if it has one; the pages show the
 * engine's intent types), and a {@link HandoffServlet} registered as {@value #SERVLET_BEAN}, asynchronous, at the
 * flow's mount path ({@code {server.servlet.context-path}{handoff.web.path}/*}). Each bean backs off when the
 * application defines its own (a {@code HostedFlow}, or a registration bean named {@value #SERVLET_BEAN});
 * {@code handoff.web.enabled=false} turns both off.
 */
@AutoConfiguration(after = HandoffAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({HandoffServlet.class, HostedFlow.class, Servlet.class})
@ConditionalOnBooleanProperty(name = "handoff.web.enabled", matchIfMissing = true)
@ConditionalOnBean(Handoff.class)
public class HandoffServletAutoConfiguration {
  /** The name of the servlet's registration bean, and of the servlet in the container. */
  static final String SERVLET_BEAN = "handoffServlet";

  @Bean
  @ConditionalOnMissingBean
  HostedFlow handoffHostedFlow(Handoff handoff, HandoffProperties properties, Environment environment,
      ObjectProvider<PageRenderer> renderers) {
    HandoffProperties.Web web = properties.getWeb();
    if (HostedPageUrl.path(web.getPath()).isEmpty()) {
      throw new HandoffConfigurationException("handoff.web.path is the root: the hosted flow would answer every "
          + "request of the application.", "Set handoff.web.path to a path of its own, e.g. /handoff.");
    }
    HostedFlow.Builder flow = HostedFlow.builder(handoff);
    set("handoff.web.public-url", HostedPageUrl.publicUrl(properties, environment), flow::publicUrl);
    set("handoff.web.path", HostedPageUrl.mountPath(properties, environment), flow::mountPath);
    set("handoff.web.cookie-name", web.getCookieName(), flow::cookieName);
    renderers.ifUnique(flow::pageRenderer);
    return flow.build();
  }

  @Bean(SERVLET_BEAN)
  @ConditionalOnMissingBean(name = SERVLET_BEAN)
  ServletRegistrationBean<HandoffServlet> handoffServlet(HostedFlow flow, HandoffProperties properties,
      Environment environment) {
    String contextPath = HostedPageUrl.contextPath(environment);
    if (!flow.mountPath().startsWith(contextPath + "/")) {
      throw new HandoffConfigurationException("The HostedFlow is mounted at '" + flow.mountPath() + "', not below the "
          + "servlet context path '" + contextPath + "' (server.servlet.context-path).",
          "Build the HostedFlow bean with a mountPath below the context path, e.g. " + contextPath + "/handoff.");
    }
    HandoffProperties.Web web = properties.getWeb();
    HandoffServlet.Builder servlet = HandoffServlet.builder(flow);
    set("handoff.web.max-form-bytes", web.getMaxFormBytes(), servlet::maxFormBytes);
    set("handoff.web.request-timeout", web.getRequestTimeout(), servlet::requestTimeout);
    ServletRegistrationBean<HandoffServlet> registration =
        new ServletRegistrationBean<>(servlet.build(), flow.mountPath().substring(contextPath.length()) + "/*");
    registration.setName(SERVLET_BEAN);
    registration.setAsyncSupported(true); // the servlet reads request bodies with non-blocking I/O
    registration.setLoadOnStartup(1); // so that its check of the mapping fails the start, not a first request
    return registration;
  }
}
