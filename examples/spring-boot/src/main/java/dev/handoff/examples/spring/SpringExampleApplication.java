package dev.handoff.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot application that embeds Handoff through the starter alone: it writes a {@link UsersTable}
 * (its {@code UserDirectory}), the intent types of its sessions ({@link Intents}), one controller
 * ({@link ConnectSessionsController}) and the page end users come back to ({@link DonePage});
 * {@code application.properties} holds the five Handoff properties. The hosted flow (at {@code /handoff}), the store,
 * sweeping, problem details, metrics and health come from the starter.
 */
@SpringBootApplication
public class SpringExampleApplication {

  public static void main(String[] args) {
    SpringApplication.run(SpringExampleApplication.class, args);
  }
}
