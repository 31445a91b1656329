package dev.agentbroker.egress.bench;

import dev.agentbroker.egress.support.Origin;
import dev.agentbroker.egress.support.TestCerts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Side-by-side benchmark: the same TLS origin reached directly and through each proxy, in one run.
 * Usage: {@code EgressBench ORIGIN_PORT SECONDS name=port:pid ...}. Prints a Markdown table.
 *
 * <p>A tunnel = TCP connect + CONNECT + full TLS handshake (sessions are invalidated, so never
 * resumed) + {@code GET /small} + close. Setup latency = connect start until the TLS handshake is
 * done. Proxy CPU comes from {@code /proc/PID/stat} of the proxy process itself.
 */
public final class EgressBench {
  private static final String HOST = "origin.test";

  /** {@code -Dbench.clients=1,16,64}: the concurrency levels measured. */
  private static final int[] CLIENTS =
      Arrays.stream(System.getProperty("bench.clients", "1,16,64").split(","))
          .mapToInt(Integer::parseInt)
          .toArray();

  record Proxy(String name, int port, long pid) {}

  record Run(
      double rate,
      double p50,
      double p99,
      double cpuMsPerTunnel,
      double sysMsPerTunnel,
      long errors,
      long tunnels) {}

  /**
   * Each path's warm-up runs for at least this many tunnels and {@code -Dwarmup.seconds} (30): on
   * the proxy's JVM, C2 keeps compiling for tens of thousands of tunnels.
   */
  private static final int WARMUP_TUNNELS = 3_000;

  /** A cell runs at least {@code seconds}, then until this many tunnels or 3 × {@code seconds}. */
  private static final int MIN_TUNNELS = 3_000;

  private final int originPort;
  private final int seconds;
  private final SSLSocketFactory tls;

  EgressBench(int originPort, int seconds, SSLContext client) {
    this.originPort = originPort;
    this.seconds = seconds;
    this.tls = client.getSocketFactory();
  }

  public static void main(String[] args) throws Exception {
    int originPort = Integer.parseInt(args[0]);
    int seconds = Integer.parseInt(args[1]);
    List<Proxy> proxies = new ArrayList<>();
    proxies.add(new Proxy("direct", 0, 0));
    for (int i = 2; i < args.length; i++) {
      String[] kv = args[i].split("[=:]");
      proxies.add(new Proxy(kv[0], Integer.parseInt(kv[1]), Long.parseLong(kv[2])));
    }
    TestCerts certs = TestCerts.generate();
    try (Origin origin = Origin.tls(certs.serverContext(), originPort)) {
      EgressBench b = new EgressBench(origin.port(), seconds, certs.clientContext());
      b.all(proxies);
    }
  }

  private void all(List<Proxy> proxies) throws Exception {
    Map<String, Run[]> runs = new LinkedHashMap<>();
    for (Proxy p : proxies) {
      // Warm-up: the JVMs (proxy, origin, this client) need thousands of tunnels before the JIT
      // has compiled the hot paths; measured earlier, C2 alone costs ~10-20 s of CPU first.
      int warm = Integer.getInteger("warmup.seconds", 30);
      Run w = tunnels(p, 16, WARMUP_TUNNELS, warm, 2 * warm);
      System.err.printf("warm-up %s: %.0f tunnels/s%n", p.name(), w.rate());
    }
    // -Dbench.tunnels=false: bulk and idle-tunnel columns only.
    boolean cells = Boolean.parseBoolean(System.getProperty("bench.tunnels", "true"));
    for (int c : cells ? CLIENTS : new int[0]) {
      for (Proxy p : proxies) {
        Run r = tunnels(p, c, MIN_TUNNELS, seconds, 3 * seconds);
        runs.computeIfAbsent(p.name(), k -> new Run[CLIENTS.length])[index(c)] = r;
        System.err.printf("done %s c=%d: %d tunnels%n", p.name(), c, r.tunnels());
      }
    }
    System.out.println(
        "| path | clients | tunnels | tunnels/s | × direct | p50 setup ms | p99 setup ms | proxy CPU ms/tunnel | of which kernel | errors |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (int c : cells ? CLIENTS : new int[0]) {
      double direct = runs.get("direct")[index(c)].rate();
      for (Proxy p : proxies) {
        Run r = runs.get(p.name())[index(c)];
        System.out.printf(
            "| %s | %d | %d | %.0f | %.2f | %.2f | %.2f | %s | %s | %d |%n",
            p.name(),
            c,
            r.tunnels(),
            r.rate(),
            r.rate() / direct,
            r.p50(),
            r.p99(),
            p.pid() == 0 ? "–" : String.format("%.3f", r.cpuMsPerTunnel()),
            p.pid() == 0 ? "–" : String.format("%.3f", r.sysMsPerTunnel()),
            r.errors());
      }
    }
    if (!Boolean.parseBoolean(System.getProperty("bench.bulk", "true"))) {
      return;
    }
    bulkAndIdle(proxies);
  }

  /**
   * Bulk: every path first relays 512 MiB unmeasured (the large-read paths are compiled by C2
   * during the first transfers, which otherwise bills JIT time to the measured one), then {@code
   * bench.bulk.reps} (3) rounds of 1 GiB per path, interleaved so that each round's ratio to direct
   * compares transfers made moments apart. Medians are reported, with the range of the ratio.
   */
  private void bulkAndIdle(List<Proxy> proxies) throws Exception {
    int reps = Integer.getInteger("bench.bulk.reps", 3);
    for (Proxy p : proxies) {
      bulk(p, 512L << 20);
    }
    Map<String, List<double[]>> samples = new LinkedHashMap<>();
    for (int r = 0; r < reps; r++) {
      double direct = 0;
      for (Proxy p : proxies) {
        long[] cpu0 = p.pid() == 0 ? new long[2] : cpuMillis(p.pid());
        double mibs = bulk(p, 1L << 30);
        long[] cpu1 = p.pid() == 0 ? new long[2] : cpuMillis(p.pid());
        direct = p.pid() == 0 ? mibs : direct;
        double cpu = (cpu1[0] + cpu1[1] - cpu0[0] - cpu0[1]) / 1024.0;
        double sys = (cpu1[1] - cpu0[1]) / 1024.0;
        samples
            .computeIfAbsent(p.name(), k -> new ArrayList<>())
            .add(new double[] {mibs, mibs / direct, cpu, sys});
      }
    }
    System.out.println();
    System.out.println(
        "| path | bulk MiB/s (one tunnel, 1 GiB, median of "
            + reps
            + ") | × direct (median; range) | proxy CPU ms/MiB | of which kernel | RSS idle MiB | RSS with 1000 idle tunnels MiB | heap KiB per idle tunnel |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (Proxy p : proxies) {
      List<double[]> x = samples.get(p.name());
      boolean direct = p.pid() == 0;
      String rss = "–";
      String idle = "–";
      String heap = "–";
      if (!direct) {
        idle = String.format("%.0f", rssMiB(p.pid()));
        double[] r = idleTunnels(p, 1000);
        rss = String.format("%.0f", r[0]);
        heap = Double.isNaN(r[1]) ? "– (not a JVM)" : String.format("%.1f", r[1]);
      }
      System.out.printf(
          "| %s | %.0f | %.2f (%.2f–%.2f) | %s | %s | %s | %s | %s |%n",
          p.name(),
          median(x, 0),
          median(x, 1),
          x.stream().mapToDouble(v -> v[1]).min().orElse(0),
          x.stream().mapToDouble(v -> v[1]).max().orElse(0),
          direct ? "–" : String.format("%.3f", median(x, 2)),
          direct ? "–" : String.format("%.3f", median(x, 3)),
          idle,
          rss,
          heap);
    }
  }

  private static double median(List<double[]> samples, int column) {
    double[] v = samples.stream().mapToDouble(s -> s[column]).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static int index(int c) {
    for (int i = 0; i < CLIENTS.length; i++) {
      if (CLIENTS[i] == c) {
        return i;
      }
    }
    throw new IllegalArgumentException();
  }

  /** Runs for at least {@code minSecs}, then until {@code minTunnels} or {@code maxSecs}. */
  private Run tunnels(Proxy p, int clients, int minTunnels, int minSecs, int maxSecs)
      throws Exception {
    long start = System.nanoTime();
    long minEnd = start + minSecs * 1_000_000_000L;
    long maxEnd = start + maxSecs * 1_000_000_000L;
    AtomicLong done = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    List<long[]> lat = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    long[] cpu0 = p.pid() == 0 ? new long[2] : cpuMillis(p.pid());
    long t0 = System.nanoTime();
    for (int i = 0; i < clients; i++) {
      long[] mine = new long[200_000];
      lat.add(mine);
      Thread t =
          new Thread(
              () -> {
                int n = 0;
                while (true) {
                  long now = System.nanoTime();
                  if (now >= maxEnd || (now >= minEnd && done.get() >= minTunnels)) {
                    break;
                  }
                  try {
                    long s = System.nanoTime();
                    SSLSocket ssl = open(p, "/small");
                    long setup = System.nanoTime() - s;
                    drain(ssl, "/small");
                    if (n < mine.length - 1) {
                      mine[++n] = setup;
                    }
                    done.incrementAndGet();
                  } catch (IOException e) {
                    errors.incrementAndGet();
                  }
                }
                mine[0] = n;
              });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    double elapsed = (System.nanoTime() - t0) / 1e9;
    long[] cpu1 = p.pid() == 0 ? new long[2] : cpuMillis(p.pid());
    long cpu = cpu1[0] + cpu1[1] - cpu0[0] - cpu0[1];
    long sys = cpu1[1] - cpu0[1];
    long[] all =
        lat.stream().flatMapToLong(a -> Arrays.stream(a, 1, (int) a[0] + 1)).sorted().toArray();
    double p50 = all.length == 0 ? 0 : all[all.length / 2] / 1e6;
    double p99 = all.length == 0 ? 0 : all[(int) (all.length * 0.99)] / 1e6;
    return new Run(
        done.get() / elapsed,
        p50,
        p99,
        (double) cpu / Math.max(1, done.get()),
        (double) sys / Math.max(1, done.get()),
        errors.get(),
        done.get());
  }

  private SSLSocket open(Proxy p, String path) throws IOException {
    Socket raw = new Socket();
    raw.setTcpNoDelay(true);
    raw.setSoTimeout(30_000);
    raw.connect(new InetSocketAddress("127.0.0.1", p.pid() == 0 ? originPort : p.port()), 10_000);
    if (p.pid() != 0) {
      connect(raw);
    }
    SSLSocket ssl = (SSLSocket) tls.createSocket(raw, HOST, originPort, true);
    ssl.startHandshake();
    ssl.getOutputStream()
        .write(
            ("GET " + path + " HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    return ssl;
  }

  private void connect(Socket raw) throws IOException {
    OutputStream out = raw.getOutputStream();
    out.write(
        ("CONNECT "
                + HOST
                + ":"
                + originPort
                + " HTTP/1.1\r\nHost: "
                + HOST
                + ":"
                + originPort
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    InputStream in = raw.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("proxy closed: " + head);
      }
      head.append((char) c);
    }
    if (!head.toString().startsWith("HTTP/1.1 200")
        && !head.toString().startsWith("HTTP/1.0 200")) {
      throw new IOException("CONNECT refused: " + head.toString().lines().findFirst().orElse(""));
    }
  }

  private static long drain(SSLSocket ssl, String path) throws IOException {
    long n = 0;
    byte[] buf = new byte[64 * 1024];
    try (ssl) {
      InputStream in = ssl.getInputStream();
      int k;
      while ((k = in.read(buf)) >= 0) {
        n += k;
      }
      ssl.getSession().invalidate(); // never resume: every tunnel pays a full handshake
    }
    return n;
  }

  private double bulk(Proxy p, long bytes) throws IOException {
    long t0 = System.nanoTime();
    long n = drain(open(p, "/bulk?bytes=" + bytes), "/bulk");
    double secs = (System.nanoTime() - t0) / 1e9;
    if (n < bytes) {
      throw new IOException("short bulk read " + n);
    }
    return bytes / secs / (1 << 20);
  }

  /**
   * Opens {@code count} CONNECT tunnels that then stay idle. Returns {RSS MiB with them open, heap
   * KiB per tunnel}; the heap figure (NaN for a non-JVM proxy) is the growth of the heap in use
   * after a full GC ({@code jcmd GC.run}), before and with the tunnels open.
   */
  private double[] idleTunnels(Proxy p, int count) throws Exception {
    double heapBefore = heapUsedKiB(p.pid());
    List<Socket> open = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        Socket raw = new Socket();
        raw.connect(new InetSocketAddress("127.0.0.1", p.port()), 10_000);
        raw.setSoTimeout(30_000);
        open.add(raw);
        connect(raw);
      }
      System.gc();
      double heapWith = heapUsedKiB(p.pid());
      return new double[] {rssMiB(p.pid()), (heapWith - heapBefore) / count};
    } finally {
      for (Socket s : open) {
        s.close();
      }
    }
  }

  /** Heap in use after a full GC, from {@code jcmd}; NaN when the process is not a JVM. */
  static double heapUsedKiB(long pid) throws Exception {
    String cmd = Files.readString(Path.of("/proc/" + pid + "/cmdline"));
    if (!cmd.startsWith("java")) {
      return Double.NaN;
    }
    jcmd(pid, "GC.run");
    double used = 0;
    java.util.regex.Pattern usedK = java.util.regex.Pattern.compile("used (\\d+)K");
    for (String line : jcmd(pid, "GC.heap_info").split("\n")) {
      // Heap lines only ("def new generation", "tenured generation", "PSYoungGen", "garbage-first
      // heap"), not Metaspace / class space.
      if (line.contains("Metaspace") || line.contains("class space")) {
        continue;
      }
      java.util.regex.Matcher m = usedK.matcher(line);
      if (m.find()) {
        used += Long.parseLong(m.group(1));
      }
    }
    return used;
  }

  private static String jcmd(long pid, String command) throws Exception {
    Process pr =
        new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
    String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    pr.waitFor();
    return out;
  }

  /** {user, kernel} CPU milliseconds of the process (all threads) so far. */
  static long[] cpuMillis(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // utime and stime, in USER_HZ ticks (100 per second on Linux)
    return new long[] {Long.parseLong(f[11]) * 10, Long.parseLong(f[12]) * 10};
  }

  static double rssMiB(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
      }
    }
    return -1;
  }
}
