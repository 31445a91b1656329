package dev.agentbroker.deploy.images;

import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

/**
 * The "offline base": the runtime layer the images get when no registry can be reached to pull a
 * JRE base image. A {@code jlink}ed JRE of the build JDK (only the modules the broker and the proxy
 * use), the shared libraries it loads (the {@code ldd} closure of its binaries, copied from this
 * machine), the build JDK's CA certificates, and an /etc with a passwd/group entry for the service
 * user (uid/gid 10001) and an nsswitch.conf. Everything is owned by root and read-only to the
 * service user; the glibc of this machine (2.34+) resolves names without NSS plugins.
 */
final class OfflineRuntime {
  /** Where the JRE lives in the image. */
  static final String JAVA_HOME = "/opt/java";

  /**
   * The modules of the JRE: what {@code jdeps --print-module-deps} reports for the proxy (its
   * metrics server is the JDK's jdk.httpserver) and the broker classpaths, plus the service-loaded
   * ones jdeps cannot see (EC crypto for TLS and JWT, DNS naming, jdk.management for Micrometer's
   * JVM metrics, zipfs for the fast-jar).
   */
  static final List<String> MODULES =
      List.of(
          "java.base",
          "java.compiler",
          "java.desktop",
          "java.instrument",
          "java.logging",
          "java.management",
          "java.naming",
          "java.net.http",
          "java.security.jgss",
          "java.security.sasl",
          "java.sql",
          "java.transaction.xa",
          "java.xml",
          "jdk.crypto.ec",
          "jdk.httpserver",
          "jdk.jfr",
          "jdk.management",
          "jdk.naming.dns",
          "jdk.net",
          "jdk.unsupported",
          "jdk.zipfs");

  /**
   * java.desktop's native libraries. The services use java.desktop only for java.beans (pure Java)
   * and run headless, so these are never loaded; jlink copies them from the jmods whatever the
   * build machine has installed, and they link X11, giflib, libjpeg, lcms and freetype, which a
   * minimal build machine lacks (and the image should not carry).
   */
  static final List<String> HEADLESS_UNUSED =
      List.of(
          "libawt.so",
          "libawt_headless.so",
          "libawt_xawt.so",
          "libfontmanager.so",
          "libjavajpeg.so",
          "libjawt.so",
          "libjsound.so",
          "liblcms.so",
          "libmlib_image.so",
          "libsplashscreen.so");

  private static final Instant EPOCH = Instant.ofEpochSecond(1);
  private static final String ROOT = "0:0";

  private OfflineRuntime() {}

  /**
   * Builds (once per {@code work} directory) and returns the runtime layer. {@code work} keeps the
   * jlink output so the second image reuses it.
   */
  static FileEntriesLayer layer(Path work) throws IOException, InterruptedException {
    Path jre = work.resolve("jre");
    // Reused while the module list is the same (the second image of a build, repeated builds).
    Path stamp = work.resolve("jre.modules");
    String modules =
        String.join(",", MODULES) + " " + Runtime.version() + " without " + HEADLESS_UNUSED;
    if (!Files.isExecutable(jre.resolve("bin/java"))
        || !Files.exists(stamp)
        || !Files.readString(stamp).equals(modules)) {
      Files.createDirectories(work);
      jlink(jre);
      Files.writeString(stamp, modules);
    }
    Path etc = work.resolve("etc");
    Files.createDirectories(etc);
    Files.writeString(
        etc.resolve("passwd"),
        "root:x:0:0:root:/root:/sbin/nologin\n"
            + "agentbroker:x:10001:10001:agent broker service user:/nonexistent:/sbin/nologin\n");
    Files.writeString(etc.resolve("group"), "root:x:0:\nagentbroker:x:10001:\n");
    Files.writeString(etc.resolve("nsswitch.conf"), "hosts: files dns\n");
    Path empty = work.resolve("empty");
    Files.createDirectories(empty);

    FileEntriesLayer.Builder b = FileEntriesLayer.builder().setName("offline-runtime");
    try (Stream<Path> files = Files.walk(jre)) {
      for (Path p : files.sorted().toList()) {
        if (p.equals(jre)) {
          continue;
        }
        String target = JAVA_HOME + "/" + jre.relativize(p).toString().replace('\\', '/');
        add(b, p, target, Files.isDirectory(p) || Files.isExecutable(p) ? "755" : "644");
      }
    }
    // The JDK's trust store: in Debian's JDK a link to /etc/ssl/certs/java/cacerts, which jlink
    // does not follow; the real file is copied (read through the link).
    Path cacerts = Path.of(System.getProperty("java.home"), "lib/security/cacerts");
    add(b, cacerts.toRealPath(), JAVA_HOME + "/lib/security/cacerts", "644");
    for (String lib : sharedLibraries(jre)) {
      add(b, Path.of(lib).toRealPath(), lib, "755");
    }
    for (String f : List.of("passwd", "group", "nsswitch.conf")) {
      add(b, etc.resolve(f), "/etc/" + f, "644");
    }
    // A declared volume: podman and docker mount an anonymous volume there with this mode unless
    // a tmpfs is given. 777 without the sticky bit (Jib takes three digits only): the container
    // has one user.
    b.addEntry(
        empty, AbsoluteUnixPath.get("/tmp"), FilePermissions.fromOctalString("777"), EPOCH, ROOT);
    return b.build();
  }

  private static void add(FileEntriesLayer.Builder b, Path source, String target, String mode) {
    b.addEntry(
        source, AbsoluteUnixPath.get(target), FilePermissions.fromOctalString(mode), EPOCH, ROOT);
  }

  private static void jlink(Path out) throws IOException {
    if (Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
      deleteTree(out);
    }
    ToolProvider jlink =
        ToolProvider.findFirst("jlink")
            .orElseThrow(() -> new IOException("jlink is missing: build with a JDK, not a JRE"));
    StringWriter log = new StringWriter();
    int rc =
        jlink.run(
            new PrintWriter(log),
            new PrintWriter(log),
            "--add-modules",
            String.join(",", MODULES),
            "--strip-debug",
            "--no-man-pages",
            "--no-header-files",
            "--compress=2",
            "--output",
            out.toString());
    if (rc != 0) {
      throw new IOException("jlink failed (" + rc + "): " + log);
    }
    for (String lib : HEADLESS_UNUSED) {
      Files.deleteIfExists(out.resolve("lib").resolve(lib));
    }
  }

  /** The absolute paths of the shared objects {@code bin/java} and the JRE's libraries need. */
  static Set<String> sharedLibraries(Path jre) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("ldd", jre.resolve("bin/java").toString()));
    try (Stream<Path> files = Files.walk(jre.resolve("lib"))) {
      files.filter(p -> p.toString().endsWith(".so")).sorted().forEach(p -> argv.add(p.toString()));
    }
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("ldd did not finish");
    }
    Set<String> libs = new TreeSet<>();
    for (String line : out.lines().toList()) {
      String l = line.strip();
      if (l.contains("not found")) {
        // The JRE's own libraries (libjvm.so, libjava.so…) are found at run time because the
        // launcher has loaded them already; anything else missing is an error.
        String name = l.substring(0, l.indexOf(' ') > 0 ? l.indexOf(' ') : l.length());
        if (!inside(jre, name)) {
          throw new IOException("a library of the JRE is missing on this machine: " + l);
        }
        continue;
      }
      // "libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x…)" or "/lib64/ld-linux-x86-64.so.2 (0x…)"
      String path = l.contains("=>") ? l.substring(l.indexOf("=>") + 2).strip() : l;
      int paren = path.indexOf(" (");
      path = paren >= 0 ? path.substring(0, paren) : path;
      if (path.startsWith("/") && !path.startsWith(jre.toString())) {
        libs.add(path);
      }
    }
    return libs;
  }

  private static boolean inside(Path jre, String name) throws IOException {
    try (Stream<Path> files = Files.walk(jre)) {
      return files.anyMatch(p -> p.getFileName().toString().equals(name));
    }
  }

  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
