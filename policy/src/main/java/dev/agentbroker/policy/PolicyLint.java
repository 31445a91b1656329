package dev.agentbroker.policy;

import java.io.PrintStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Command line check for policy files: {@code lint FILE...}. Prints every problem as {@code
 * source:line:col path: message}. Exit codes: 0 all clean, 1 problems found, 2 usage error.
 */
public final class PolicyLint {
  private PolicyLint() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args == null || args.length < 2 || !"lint".equals(args[0])) {
      err.println("usage: policy lint FILE...");
      return 2;
    }
    int rc = 0;
    for (int i = 1; i < args.length; i++) {
      String name = args[i];
      try {
        CompiledPolicy p = PolicyCompiler.load(Path.of(name));
        out.println(
            name
                + ": OK ("
                + p.identities().size()
                + " identities, "
                + p.verbs().size()
                + " verbs, sha256 "
                + p.sourceSha256()
                + ")");
        // Warnings do not fail the file: a policy may knowingly trust a name (documented risk).
        ActionsIdentityLint.warnings(p).forEach(w -> out.println(name + ": " + w));
      } catch (PolicyException e) {
        e.problems().forEach(out::println);
        rc = 1;
      } catch (InvalidPathException e) {
        out.println(name + ":0:0: invalid path: " + e.getMessage());
        rc = 1;
      }
    }
    return rc;
  }
}
