package dev.handoff.examples.spring;

import dev.handoff.IntentType;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The kinds of session this application creates (a subset of Gigs'); the starter registers every such bean. */
@Configuration(proxyBeanMethods = false)
class Intents {

  @Bean
  IntentType checkoutNewSubscription() {
    return IntentType.builder("checkoutNewSubscription").required("plan", String.class)
        .optional("addons", List.class).build();
  }

  @Bean
  IntentType viewSubscription() {
    return IntentType.builder("viewSubscription").required("subscription", String.class).build();
  }
}
