package dev.agentbroker.policy;

import dev.agentbroker.policy.internal.Hashing;
import dev.agentbroker.policy.internal.RuleCompiler;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Parses and validates a policy file into a {@link CompiledPolicy}. */
public final class PolicyCompiler {
  /** Policy files are small; anything bigger is a mistake or an attack on the parser. */
  public static final int MAX_BYTES = 1 << 20;

  private PolicyCompiler() {}

  /**
   * Compiles YAML text. Throws with every problem found (syntax, structure, values and references),
   * each with line, column and path.
   */
  public static CompiledPolicy compile(String yaml, String sourceName) throws PolicyException {
    RuleCompiler.Result r = RuleCompiler.compile(yaml, sourceName);
    return new CompiledPolicy(
        sourceName,
        Hashing.sha256Hex(yaml.getBytes(StandardCharsets.UTF_8)),
        r.identities(),
        r.verbs(),
        r.egress(),
        r.settings());
  }

  /** Reads (strict UTF-8) and compiles a file; unreadable files fail with a problem too. */
  public static CompiledPolicy load(Path file) throws PolicyException {
    return compile(read(file), file.toString());
  }

  /** Reads a policy file as strict UTF-8, turning every failure into a PolicyException. */
  static String read(Path file) throws PolicyException {
    try {
      return decode(Files.readAllBytes(file), file.toString());
    } catch (IOException | SecurityException e) {
      throw unreadable(file.toString(), e);
    }
  }

  static String decode(byte[] bytes, String source) throws PolicyException {
    if (bytes.length > MAX_BYTES) {
      throw new PolicyException(
          List.of(
              new PolicyProblem(source, 0, 0, "", "file is larger than " + MAX_BYTES + " bytes")));
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new PolicyException(
          List.of(new PolicyProblem(source, 0, 0, "", "file is not valid UTF-8")));
    }
  }

  static PolicyException unreadable(String source, Exception e) {
    return new PolicyException(
        List.of(
            new PolicyProblem(
                source,
                0,
                0,
                "",
                "cannot read policy file: "
                    + e.getClass().getSimpleName()
                    + ": "
                    + e.getMessage())));
  }
}
