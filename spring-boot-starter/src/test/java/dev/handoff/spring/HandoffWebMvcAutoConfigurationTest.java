package dev.handoff.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

class HandoffWebMvcAutoConfigurationTest {
  private final WebApplicationContextRunner web = new WebApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(HandoffWebMvcAutoConfiguration.class));

  @Test
  void mapsAHandoffExceptionToAProblemWithItsStatusAndStableCode() {
    ResponseEntity<ProblemDetail> response = new HandoffProblemDetailsAdvice()
        .handoffException(new HandoffException(ErrorCode.EXPIRED, "the session expired"));
    assertThat(response.getStatusCode().value()).isEqualTo(410);
    assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    ProblemDetail problem = response.getBody();
    assertThat(problem.getStatus()).isEqualTo(410);
    assertThat(problem.getDetail()).isEqualTo("the session expired");
    assertThat(problem.getProperties()).containsEntry("code", "EXPIRED");
  }

  @Test
  void registersTheAdviceInServletApplicationsOnlyAndBacksOff() {
    web.run(context -> assertThat(context).hasSingleBean(HandoffProblemDetailsAdvice.class));
    new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(HandoffWebMvcAutoConfiguration.class))
        .run(context -> assertThat(context).doesNotHaveBean(HandoffProblemDetailsAdvice.class));
    HandoffProblemDetailsAdvice mine = new HandoffProblemDetailsAdvice();
    web.withBean(HandoffProblemDetailsAdvice.class, () -> mine)
        .run(context -> assertThat(context.getBean(HandoffProblemDetailsAdvice.class)).isSameAs(mine));
  }
}
