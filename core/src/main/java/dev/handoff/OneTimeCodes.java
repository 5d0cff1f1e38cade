package dev.handoff;

import java.security.SecureRandom;

/** Draws one-time codes uniformly from the policy's alphabet ({@link SecureRandom#nextInt(int)} has no modulo bias). */
final class OneTimeCodes {
  private final LoginPolicy policy;
  private final SecureRandom random;

  OneTimeCodes(LoginPolicy policy, SecureRandom random) {
    this.policy = policy;
    this.random = random;
  }

  String next() {
    char[] code = new char[policy.codeLength()];
    for (int i = 0; i < code.length; i++) {
      code[i] = policy.alphabet().charAt(random.nextInt(policy.alphabet().length()));
    }
    return new String(code);
  }
}
