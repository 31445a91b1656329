package dev.agentbroker.deploy.images;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.Port;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Builds the broker and egress proxy images as OCI tarballs with Jib's library: no Docker daemon,
 * no registry (with the offline base). Load them with {@code podman load -i FILE} or push them with
 * {@code skopeo copy oci-archive:FILE docker://REGISTRY/…}. Both run as uid/gid 10001, write
 * nothing outside their state directory (a volume) and /tmp, and carry the health-check command
 * ({@link #probe}) that compose and {@code podman run --health-cmd} use.
 *
 * <p>{@code base}: {@link #OFFLINE} for the self-made runtime layer ({@link OfflineRuntime}), or a
 * registry image with a Java 17+ runtime such as {@code gcr.io/distroless/java17-debian12:nonroot}
 * (then {@code java} names its java binary, e.g. {@code /usr/bin/java}).
 */
public final class ImageBuild {
  public static final String OFFLINE = "offline";
  public static final String BROKER_TAG = "localhost/agent-broker:latest";
  public static final String EGRESS_TAG = "localhost/agent-egress:latest";
  public static final String USER = "10001:10001";
  static final String BROKER_STATE = "/var/lib/agent-broker";
  static final String EGRESS_STATE = "/var/lib/agent-egress";
  static final String PROBE_DIR = "/opt/probe";
  private static final Instant EPOCH = Instant.ofEpochSecond(1);

  /** Where things are, and which base. */
  public record Options(Path root, Path out, String base, String java) {
    public static Options offline(Path root, Path out) {
      return new Options(root, out, OFFLINE, OfflineRuntime.JAVA_HOME + "/bin/java");
    }
  }

  private final Options options;
  private FileEntriesLayer runtime;

  public ImageBuild(Options options) {
    this.options = options;
  }

  /** The health-check command of an image whose java is {@code java}. */
  public static List<String> probe(String java, String target) {
    return List.of(
        java,
        "-Xshare:auto",
        "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC",
        "-Xmx16m",
        "-cp",
        PROBE_DIR,
        "dev.agentbroker.deploy.probe.HealthProbe",
        target);
  }

  /** The broker image from broker/target/quarkus-app; returns the tarball. */
  public Path broker() throws Exception {
    Path app = options.root().resolve("broker/target/quarkus-app");
    require(app.resolve("quarkus-run.jar"), "./mvnw -B package -pl broker -am -DskipTests");
    JibContainerBuilder b = start();
    b.addFileEntriesLayer(tree(app.resolve("lib"), "/app/lib", "broker-libraries"));
    FileEntriesLayer.Builder own = FileEntriesLayer.builder().setName("broker");
    addTree(own, app.resolve("quarkus"), "/app/quarkus");
    addTree(own, app.resolve("app"), "/app/app");
    file(own, app.resolve("quarkus-run.jar"), "/app/quarkus-run.jar", "644");
    b.addFileEntriesLayer(own.build());
    b.addFileEntriesLayer(stateDir(BROKER_STATE));
    Map<String, String> env = new LinkedHashMap<>();
    // The demo's JVM sizing (testkit BrokerJvm); JDK_JAVA_OPTIONS so one variable replaces it.
    env.put("JDK_JAVA_OPTIONS", "-Xmx256m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError");
    env.put("QUARKUS_HTTP_HOST", "0.0.0.0");
    env.put("QUARKUS_HTTP_PORT", "8080");
    b.setEnvironment(env)
        .setEntrypoint(options.java(), "-jar", "/app/quarkus-run.jar")
        .setWorkingDirectory(AbsoluteUnixPath.get(BROKER_STATE))
        .setVolumes(AbsoluteUnixPath.get(BROKER_STATE), AbsoluteUnixPath.get("/tmp"))
        .setExposedPorts(Port.tcp(8080))
        .addLabel("org.opencontainers.image.title", "agent-broker")
        .addLabel(
            "dev.agentbroker.healthcheck",
            String.join(" ", probe(options.java(), "http://127.0.0.1:8080/q/health/ready")));
    return write(b, BROKER_TAG, "agent-broker.tar");
  }

  /** The egress proxy image from egress/target (classes and runtime.classpath). */
  public Path egress() throws Exception {
    Path target = options.root().resolve("egress/target");
    require(target.resolve("runtime.classpath"), "./mvnw -B package -pl egress -am -DskipTests");
    JibContainerBuilder b = start();
    FileEntriesLayer.Builder libs = FileEntriesLayer.builder().setName("egress-libraries");
    FileEntriesLayer.Builder own = FileEntriesLayer.builder().setName("egress");
    for (String entry : Files.readString(target.resolve("runtime.classpath")).strip().split(":")) {
      Path jar = Path.of(entry);
      boolean ours = jar.getFileName().toString().matches("(policy|audit|request)-.*\\.jar");
      file(ours ? own : libs, jar, "/app/lib/" + jar.getFileName(), "644");
    }
    addTree(own, target.resolve("classes"), "/app/classes");
    Path config = options.out().resolve("work/egress.yaml");
    Files.createDirectories(config.getParent());
    try (InputStream in = ImageBuild.class.getResourceAsStream("egress-image.yaml")) {
      Files.write(config, in.readAllBytes());
    }
    file(own, config, "/etc/agent-egress/egress.yaml", "644");
    b.addFileEntriesLayer(libs.build());
    b.addFileEntriesLayer(own.build());
    b.addFileEntriesLayer(stateDir(EGRESS_STATE));
    b.setEnvironment(Map.of("JDK_JAVA_OPTIONS", "-Xmx256m -XX:+UseSerialGC"))
        .setEntrypoint(
            options.java(), "-cp", "/app/classes:/app/lib/*", "dev.agentbroker.egress.EgressMain")
        .setProgramArguments("--config", "/etc/agent-egress/egress.yaml")
        .setWorkingDirectory(AbsoluteUnixPath.get(EGRESS_STATE))
        .setVolumes(AbsoluteUnixPath.get(EGRESS_STATE), AbsoluteUnixPath.get("/tmp"))
        .setExposedPorts(Port.tcp(3128))
        .addLabel("org.opencontainers.image.title", "agent-egress")
        .addLabel(
            "dev.agentbroker.healthcheck",
            String.join(" ", probe(options.java(), "tcp://127.0.0.1:3128")));
    return write(b, EGRESS_TAG, "agent-egress.tar");
  }

  private JibContainerBuilder start() throws Exception {
    JibContainerBuilder b;
    if (OFFLINE.equals(options.base())) {
      if (runtime == null) {
        runtime = OfflineRuntime.layer(options.out().resolve("work"));
      }
      b = Jib.fromScratch().addFileEntriesLayer(runtime);
    } else {
      b = Jib.from(RegistryImage.named(options.base()));
    }
    b.setFormat(ImageFormat.OCI).setCreationTime(EPOCH).setUser(USER);
    b.addFileEntriesLayer(probeLayer());
    return b;
  }

  /** The health probe and the secret installer: single classes run by the image's java. */
  private FileEntriesLayer probeLayer() throws IOException {
    FileEntriesLayer.Builder b = FileEntriesLayer.builder().setName("health-probe");
    for (String name : List.of("HealthProbe", "InstallSecrets")) {
      String cls = "dev/agentbroker/deploy/probe/" + name + ".class";
      Path file = options.out().resolve("work/probe/" + cls);
      Files.createDirectories(file.getParent());
      try (InputStream in = ImageBuild.class.getClassLoader().getResourceAsStream(cls)) {
        Files.write(file, in.readAllBytes());
      }
      file(b, file, PROBE_DIR + "/" + cls, "644");
    }
    return b.build();
  }

  /** The service user's state directory: the only image path it owns (mount a volume there). */
  private FileEntriesLayer stateDir(String path) throws IOException {
    Path empty = options.out().resolve("work/empty");
    Files.createDirectories(empty);
    return FileEntriesLayer.builder()
        .setName("state")
        .addEntry(
            empty, AbsoluteUnixPath.get(path), FilePermissions.fromOctalString("700"), EPOCH, USER)
        .build();
  }

  private Path write(JibContainerBuilder b, String tag, String file) throws Exception {
    Files.createDirectories(options.out());
    Path tar = options.out().resolve(file);
    Files.deleteIfExists(tar);
    b.containerize(
        Containerizer.to(TarImage.at(tar).named(ImageReference.parse(tag)))
            .setBaseImageLayersCache(options.out().resolve("work/jib-cache"))
            .setApplicationLayersCache(options.out().resolve("work/jib-cache")));
    return tar;
  }

  private static FileEntriesLayer tree(Path dir, String target, String name) throws IOException {
    FileEntriesLayer.Builder b = FileEntriesLayer.builder().setName(name);
    addTree(b, dir, target);
    return b.build();
  }

  private static void addTree(FileEntriesLayer.Builder b, Path dir, String target)
      throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted().toList()) {
        String rel = dir.relativize(p).toString();
        String to = rel.isEmpty() ? target : target + "/" + rel;
        file(b, p, to, Files.isDirectory(p) ? "755" : "644");
      }
    }
  }

  private static void file(FileEntriesLayer.Builder b, Path source, String target, String mode) {
    b.addEntry(
        source, AbsoluteUnixPath.get(target), FilePermissions.fromOctalString(mode), EPOCH, "0:0");
  }

  private static void require(Path p, String how) {
    if (!Files.exists(p)) {
      throw new IllegalStateException(p + " is missing: build it first (" + how + ")");
    }
  }

  /**
   * {@code ImageBuild [--out DIR] [--base offline|IMAGE] [--java PATH] broker|egress…}; the project
   * root is the working directory.
   */
  public static void main(String[] args) throws Exception {
    Path root = Path.of("").toAbsolutePath();
    Path out = root.resolve("deploy/target/images");
    String base = OFFLINE;
    Optional<String> java = Optional.empty();
    List<String> which = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--out" -> out = Path.of(args[++i]).toAbsolutePath();
        case "--base" -> base = args[++i];
        case "--java" -> java = Optional.of(args[++i]);
        case "broker", "egress" -> which.add(args[i]);
        default -> {
          System.err.println(
              "usage: build.sh [--out DIR] [--base offline|IMAGE] [--java PATH] broker|egress...");
          System.exit(2);
        }
      }
    }
    if (which.isEmpty()) {
      which = List.of("broker", "egress");
    }
    String javaPath =
        java.orElse(
            OFFLINE.equals(base) ? OfflineRuntime.JAVA_HOME + "/bin/java" : "/usr/bin/java");
    ImageBuild build = new ImageBuild(new Options(root, out, base, javaPath));
    for (String w : which) {
      long t0 = System.nanoTime();
      Path tar = "broker".equals(w) ? build.broker() : build.egress();
      System.out.printf(
          "%s: %s (%d MB, %d s)%n",
          w, tar, Files.size(tar) >> 20, (System.nanoTime() - t0) / 1_000_000_000L);
    }
  }
}
