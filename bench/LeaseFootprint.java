import dev.agentbroker.tiera.Lease;
import dev.agentbroker.tiera.LeaseRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Live heap per lease of the LeaseRegistry on the classpath: puts N leases with realistic, varied
 * fields (each String fresh, as a request's parsed JSON and JWT claims are), forces full GCs and
 * divides the growth of the heap in use by N. Deterministic apart from the random lease ids.
 * Run through bench/lease-footprint.sh (before/after); by hand:
 *
 * <pre>java -XX:+UseSerialGC -Xmx2g -cp broker-tier-a/target/classes:audit/target/classes \
 *   bench/LeaseFootprint.java [N] [classic|stateless] [shared|unique-subjects]</pre>
 *
 * classic: ghs_ + 36 base62 (GitHub's format until 2026); stateless: ghs_<appId>_<JWT>, 520
 * characters. shared: 200 identities, each with 5 subjects, one owner and 4 repository sets
 * (≤ 4,000 distinct callers/targets); unique-subjects: every lease has its own subject (a per-run
 * subject), the worst case for interning.
 */
public class LeaseFootprint {
  static final String B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
    boolean stateless = args.length > 1 && args[1].equals("stateless");
    boolean uniqueSubjects = args.length > 2 && args[2].equals("unique-subjects");
    SplittableRandom random = new SplittableRandom(7);
    List<String> identities = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      identities.add("agents-team" + i); // from the policy: one instance per identity
    }
    String[] issuers = {
      "https://token.actions.githubusercontent.com", "https://gitlab.acme.example", "https://agents.acme.example/oidc"
    };
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    Instant start = Instant.parse("2026-12-07T10:00:00Z");
    LeaseRegistry registry = new LeaseRegistry(Clock.fixed(start, java.time.ZoneOffset.UTC), n + 1);
    StringBuilder tb = new StringBuilder(600);

    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    long before = usedAfterGc(mem);
    Set<String> contexts = new HashSet<>();
    for (int k = 0; k < n; k++) {
      int id = random.nextInt(identities.size());
      int subject = uniqueSubjects ? k : random.nextInt(5);
      int repoSet = random.nextInt(4);
      String owner = "org" + (id % 20);
      List<String> repos = new ArrayList<>();
      for (int r = 0; r <= repoSet % 3; r++) {
        repos.add(new String("service-" + (id * 7 + repoSet + r) % 50));
      }
      tb.setLength(0);
      tb.append(stateless ? "ghs_424242_" : "ghs_");
      int len = stateless ? 520 : 40;
      while (tb.length() < len) {
        tb.append(stateless && tb.length() % 170 == 0 ? '.' : B62.charAt(random.nextInt(62)));
      }
      String token = tb.toString();
      String hex = HexFormat.of().formatHex(sha.digest(token.getBytes(StandardCharsets.UTF_8)));
      String subj = "repo:" + owner + "/service-" + id + ":run:" + subject;
      registry.put(
          new Lease(
              registry.newLeaseId(),
              identities.get(id),
              new String(issuers[id % 3]),
              subj,
              new String(owner),
              repos,
              hex,
              start.plusSeconds(3600 + random.nextInt(240)),
              token));
      if (k < 200_000) { // enough to count distinct contexts without holding millions of keys
        contexts.add(identities.get(id) + "|" + subj + "|" + repos);
      }
    }
    int distinctSample = contexts.size();
    contexts = null;
    long after = usedAfterGc(mem);
    System.out.printf(
        "RESULT registry=%s leases=%d token=%s subjects=%s distinct_contexts_in_first_200k=%d"
            + " heap_before_mb=%.1f heap_after_mb=%.1f bytes_per_lease=%.1f%n",
        registry.getClass().getProtectionDomain().getCodeSource().getLocation().getPath(),
        registry.size(), stateless ? "stateless-520" : "classic-40", uniqueSubjects ? "unique" : "shared",
        distinctSample, before / 1048576.0, after / 1048576.0, (after - before) / (double) n);
  }

  static long usedAfterGc(MemoryMXBean mem) throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) { // repeat until stable: finalizers/reference processing settle
      System.gc();
      Thread.sleep(100);
      used = Math.min(used, mem.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
