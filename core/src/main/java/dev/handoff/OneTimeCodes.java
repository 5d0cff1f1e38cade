package dev.handoff;

import java.security.SecureRandom;
import java.util.function.Supplier;

/** Draws one-time codes uniformly from the policy's alphabet ({@link SecureRandom#nextInt(int)} has no modulo bias). */
final class OneTimeCodes {
  private final LoginPolicy policy;
  private final Supplier<SecureRandom> random;

  OneTimeCodes(LoginPolicy policy, Supplier<SecureRandom> random) {
    this.policy = policy;
    this.random = random;
  }

  String next() {
    SecureRandom random = this.random.get();
    char[] code = new char[policy.codeLength()];
    for (int i = 0; i < code.length; i++) {
      code[i] = policy.alphabet().charAt(random.nextInt(policy.alphabet().length()));
    }
    return new String(code);
  }
}
