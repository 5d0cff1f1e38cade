package dev.handoff.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.CreateSessionRequest;
import dev.handoff.Handoff;
import dev.handoff.IntentRegistry;
import dev.handoff.IntentType;
import dev.handoff.servlet.HandoffServlet;
import dev.handoff.storage.memory.CaffeineSessionStore;
import dev.handoff.web.HostedFlow;
import dev.handoff.web.HostedRequest;
import dev.handoff.web.HostedResponse;
import dev.handoff.web.PageRenderer;
import jakarta.servlet.http.HttpServlet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class HandoffServletAutoConfigurationTest {
  private static final AutoConfigurations AUTO_CONFIGURATIONS =
      AutoConfigurations.of(HandoffAutoConfiguration.class, HandoffServletAutoConfiguration.class);

  /** A servlet web application with the beans and properties a production deployment has. */
  private final WebApplicationContextRunner web = new WebApplicationContextRunner()
      .withConfiguration(AUTO_CONFIGURATIONS)
      .withUserConfiguration(TestApplicationBeans.Users.class, TestApplicationBeans.Intents.class,
          TestApplicationBeans.Codes.class)
      .withPropertyValues("handoff.keys.master-secrets.k1=" + HandoffAutoConfigurationTest.SECRET,
          "handoff.web.public-url=https://connect.example.com");

  @Test
  void mountsTheEnginesFlowAtTheHandoffPathAsynchronously() {
    web.run(context -> {
      assertThat(context).hasNotFailed();
      ServletRegistrationBean<?> registration = registration(context);
      assertThat(registration.getUrlMappings()).containsExactly("/handoff/*");
      assertThat(registration.isAsyncSupported()).isTrue();
      assertThat(registration.getServletName()).isEqualTo("handoffServlet");
      assertThat(registration.getServlet()).isInstanceOf(HandoffServlet.class);
      assertThat(registration.getServlet().toString()).contains("maxFormBytes=16384", "requestTimeout=PT20S");

      HostedFlow flow = context.getBean(HostedFlow.class);
      assertThat(flow.entryUrl()).isEqualTo("https://connect.example.com/handoff/entry");
      assertThat(flow.cookieName()).isEqualTo("__Host-handoff");
      String url = context.getBean(Handoff.class).create(CreateSessionRequest.builder("t1")
          .intent("checkoutNewSubscription", Map.of("plan", "p")).build()).url().orElseThrow();
      assertThat(url).startsWith(flow.entryUrl() + "?"); // session URLs lead into the mounted flow
    });
  }

  @Test
  void appliesTheWebPropertiesBelowTheContextPath() {
    web.withPropertyValues("server.servlet.context-path=/app", "handoff.web.path=/connect/",
        "handoff.web.cookie-name=acme", "handoff.web.max-form-bytes=2048", "handoff.web.request-timeout=5s")
        .run(context -> {
          ServletRegistrationBean<?> registration = registration(context);
          assertThat(registration.getUrlMappings()).containsExactly("/connect/*");
          assertThat(registration.getServlet().toString()).contains("maxFormBytes=2048", "requestTimeout=PT5S");
          HostedFlow flow = context.getBean(HostedFlow.class);
          assertThat(flow.mountPath()).isEqualTo("/app/connect");
          assertThat(flow.cookieName()).isEqualTo("__Host-acme");
        });
  }

  @Test
  void rendersThePagesWithTheApplicationsPageRenderer() {
    PageRenderer mine = page -> "<!doctype html><title>mine</title><h1>" + page.kind() + "</h1>";
    web.withBean(PageRenderer.class, () -> mine).run(context -> {
      HostedResponse incompleteLink = context.getBean(HostedFlow.class)
          .handle(HostedRequest.builder("GET", "/entry").build());
      assertThat(incompleteLink.bodyText()).startsWith("<!doctype html><title>mine</title><h1>");
    });
  }

  @Test
  void backsOffFromTheApplicationsHostedFlowAndMountsItWhereItSays() {
    web.withUserConfiguration(OwnFlow.class).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(HostedFlow.class).mountPath()).isEqualTo("/mine");
      assertThat(registration(context).getUrlMappings()).containsExactly("/mine/*");
    });
    web.withUserConfiguration(OwnFlow.class).withPropertyValues("server.servlet.context-path=/app")
        .run(context -> assertFailure(context, "The HostedFlow is mounted at '/mine', not below the servlet context "
            + "path '/app'", "a mountPath below the context path"));
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnFlow {
    @Bean
    HostedFlow myFlow(Handoff handoff) {
      return HostedFlow.builder(handoff).publicUrl("https://connect.example.com").mountPath("/mine").build();
    }
  }

  @Test
  void backsOffFromTheApplicationsServletRegistrationNamedHandoffServlet() {
    ServletRegistrationBean<HttpServlet> mine = new ServletRegistrationBean<>(new HttpServlet() {}, "/mine/*");
    web.withBean("handoffServlet", ServletRegistrationBean.class, () -> mine).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBeansOfType(ServletRegistrationBean.class)).containsOnly(Map.entry("handoffServlet",
          mine));
      assertThat(context).hasSingleBean(HostedFlow.class); // for the application's own servlet to serve
    });
  }

  @Test
  void servesNoFlowWhenDisabled() {
    web.withPropertyValues("handoff.web.enabled=false").run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(Handoff.class).doesNotHaveBean(HostedFlow.class)
          .doesNotHaveBean(ServletRegistrationBean.class);
    });
  }

  @Test
  void servesNoFlowOutsideAServletWebApplication() {
    new ApplicationContextRunner().withConfiguration(AUTO_CONFIGURATIONS)
        .withUserConfiguration(TestApplicationBeans.Users.class, TestApplicationBeans.Intents.class,
            TestApplicationBeans.Codes.class)
        .withPropertyValues("handoff.keys.master-secrets.k1=" + HandoffAutoConfigurationTest.SECRET,
            "handoff.web.public-url=https://connect.example.com")
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(Handoff.class)
            .doesNotHaveBean(HostedFlow.class).doesNotHaveBean(ServletRegistrationBean.class));
  }

  @Test
  void failsNamingTheWebPropertyThatIsMissingOrInvalid() {
    // With the application's own engine, the flow is the first to need the public URL.
    WebApplicationContextRunner ownEngine = new WebApplicationContextRunner().withConfiguration(AUTO_CONFIGURATIONS)
        .withBean(Handoff.class, () -> Handoff.builder().store(CaffeineSessionStore.builder().build())
            .userDirectory(new TestApplicationBeans.MapUserDirectory())
            .hostedPageUrl("https://connect.example.com/handoff/entry")
            .intents(IntentRegistry.of(IntentType.builder("x").build())).build());
    ownEngine.run(context -> assertFailure(context, "handoff.web.public-url is not set", "handoff.web.public-url"));
    ownEngine.withPropertyValues("handoff.web.public-url=https://connect.example.com/somewhere")
        .run(context -> assertFailure(context, "handoff.web.public-url is invalid", "Fix handoff.web.public-url"));
    web.withPropertyValues("handoff.web.path=/")
        .run(context -> assertFailure(context, "handoff.web.path is the root", "handoff.web.path"));
    web.withPropertyValues("handoff.web.path=/a b")
        .run(context -> assertFailure(context, "handoff.web.path is invalid", "Fix handoff.web.path"));
    web.withPropertyValues("handoff.web.cookie-name=__Secure-x")
        .run(context -> assertFailure(context, "handoff.web.cookie-name is invalid", "Fix handoff.web.cookie-name"));
    web.withPropertyValues("handoff.web.max-form-bytes=100").run(context ->
        assertFailure(context, "handoff.web.max-form-bytes is invalid", "Fix handoff.web.max-form-bytes"));
    web.withPropertyValues("handoff.web.request-timeout=0s").run(context ->
        assertFailure(context, "handoff.web.request-timeout is invalid", "Fix handoff.web.request-timeout"));
  }

  private static ServletRegistrationBean<?> registration(AssertableWebApplicationContext context) {
    assertThat(context).hasSingleBean(ServletRegistrationBean.class);
    return context.getBean("handoffServlet", ServletRegistrationBean.class);
  }

  private static void assertFailure(AssertableWebApplicationContext context, String description, String action) {
    assertThat(context).hasFailed();
    FailureAnalysis analysis = new HandoffConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
    assertThat(analysis).as("a Handoff failure analysis of %s", context.getStartupFailure()).isNotNull();
    assertThat(analysis.getDescription()).contains(description);
    assertThat(analysis.getAction()).contains(action);
  }
}
