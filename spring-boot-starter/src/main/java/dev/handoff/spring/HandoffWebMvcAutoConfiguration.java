package dev.handoff.spring;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Maps {@link dev.handoff.spi.HandoffException} to problem details in a Spring MVC application. */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ProblemDetail.class, RestControllerAdvice.class})
public class HandoffWebMvcAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  HandoffProblemDetailsAdvice handoffProblemDetailsAdvice() {
    return new HandoffProblemDetailsAdvice();
  }
}
