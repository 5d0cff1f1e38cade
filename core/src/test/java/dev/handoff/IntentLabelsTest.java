package dev.handoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class IntentLabelsTest {
  private final IntentType checkout = IntentType.builder("checkoutNewSubscription")
      .required("plan", String.class)
      .optional("addons", java.util.List.class)
      .optional("internal", String.class)
      .displayName("Subscribe to plan {plan}")
      .displayName(Locale.GERMAN, "Tarif {plan} abonnieren")
      .displayName(Locale.forLanguageTag("de-CH"), "Abo {plan} lösen")
      .label("addons", "Add-ons")
      .label("plan", "Plan")
      .label(Locale.GERMAN, "plan", "Tarif")
      .build();

  @Test
  void displayNameFallsBackFromLocaleToLanguageToDefault() {
    assertThat(checkout.displayName(Locale.forLanguageTag("de-CH"))).contains("Abo {plan} lösen");
    assertThat(checkout.displayName(Locale.forLanguageTag("de-AT"))).contains("Tarif {plan} abonnieren");
    assertThat(checkout.displayName(Locale.FRENCH)).contains("Subscribe to plan {plan}");
    assertThat(IntentType.builder("x").build().displayName(Locale.ENGLISH)).isEmpty();
  }

  @Test
  void labelsFallBackPerFieldAndUnlabelledFieldsHaveNone() {
    assertThat(checkout.label("plan", Locale.GERMANY)).contains("Tarif");
    assertThat(checkout.label("addons", Locale.GERMANY)).contains("Add-ons");
    assertThat(checkout.label("plan", Locale.ENGLISH)).contains("Plan");
    assertThat(checkout.label("internal", Locale.ENGLISH)).isEmpty();
    assertThat(checkout.labelledFields()).containsExactly("plan", "addons");
  }

  @Test
  void registryFindsTypesByName() {
    var registry = IntentRegistry.of(checkout);
    assertThat(registry.find("checkoutNewSubscription")).containsSame(checkout);
    assertThat(registry.find("other")).isEmpty();
  }

  @Test
  void labelsOfUndeclaredFieldsAndRepeatsFailFast() {
    assertThatThrownBy(() -> IntentType.builder("x").label("nope", "Nope").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("nope");
    assertThat(IntentType.builder("x").allowUnknownFields().label("any", "Any").build().label("any", Locale.ROOT))
        .contains("Any");
    assertThatThrownBy(() -> IntentType.builder("x").displayName("a").displayName("b"))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> IntentType.builder("x").displayName(" "))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> IntentType.builder("x").displayName("a\nb"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
