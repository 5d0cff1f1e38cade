package dev.handoff.spring;

import dev.handoff.spi.HandoffException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Answers a {@link HandoffException} thrown by the application's controllers with an RFC 9457 problem
 * ({@code application/problem+json}): the code's HTTP status, the exception's message (which never holds a token
 * or secret) as {@code detail}, and the stable {@link dev.handoff.spi.ErrorCode} as the extension member
 * {@code code}. Ordered last, so the application's own advice for {@code HandoffException} wins; define a bean of
 * this type to replace it. Stateless and thread-safe.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class HandoffProblemDetailsAdvice {

  /** The problem for {@code e}. */
  @ExceptionHandler(HandoffException.class)
  public ResponseEntity<ProblemDetail> handoffException(HandoffException e) {
    HttpStatusCode status = HttpStatusCode.valueOf(e.httpStatus());
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, e.getMessage());
    problem.setProperty("code", e.code().name());
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
  }
}
