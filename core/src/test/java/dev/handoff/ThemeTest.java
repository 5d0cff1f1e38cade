package dev.handoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.handoff.spi.ErrorCode;
import dev.handoff.spi.HandoffException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ThemeTest {

  @Test
  void acceptsAndNormalisesAValidTheme() {
    var theme = new Theme("  Acme Mobile ", "https://cdn.example.com/l\u00f6go.svg", "#286EFA");
    assertThat(theme.productName()).isEqualTo("Acme Mobile");
    assertThat(theme.logoUrl()).isEqualTo("https://cdn.example.com/l%C3%B6go.svg");
    assertThat(theme.primaryColor()).isEqualTo("#286efa");
    assertThat(Theme.fromJson(theme.toJson())).isEqualTo(theme);
    assertThat(Theme.DEFAULT.isDefault()).isTrue();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', nullValues = "null", value = {
      "'' | null | null", "'   ' | null | null", "a\u202eb | null | null",
      "null | http://cdn.example.com/logo.png | null", "null | javascript:alert(1) | null",
      "null | data:image/png;base64,AAAA | null",
      "null | null | red", "null | null | #12345", "null | null | #1234567", "null | null | #12345g",
      "null | null | '#123456;} body{'", "null | http://localhost/logo.png | null"})
  void refusesWhatCouldNotBeRenderedSafely(String name, String logo, String color) {
    assertThatThrownBy(() -> new Theme(name, logo, color))
        .isInstanceOfSatisfying(HandoffException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
  }

  @Test
  void lineBreaksAreRefused() {
    assertThatThrownBy(() -> new Theme("a\nb", null, null)).isInstanceOf(HandoffException.class);
    assertThatThrownBy(() -> new Theme(null, "https://cdn.example.com/\r\nx", null))
        .isInstanceOf(HandoffException.class);
  }

  @Test
  void aLongNameIsRefused() {
    assertThat(new Theme("x".repeat(100), null, null).productName()).hasSize(100);
    assertThatThrownBy(() -> new Theme("x".repeat(101), null, null)).isInstanceOf(HandoffException.class);
  }
}
