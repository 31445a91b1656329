package dev.agentbroker.sandbox.internal.runtime;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The bubblewrap command line (shared/sandbox-runtimes.md): started by root, bwrap would run the
 * sandbox as host uid 0, so the chain is {@code [nsenter --net=NS] setpriv --ruid 1000 --rgid 1000
 * --clear-groups bwrap}: real ids 1000, effective 0 — exactly how a setuid-root bwrap is run — so
 * bwrap builds the namespaces with root's privileges and then runs the sandbox as uid 1000 with no
 * capabilities (bounding set empty) and no_new_privs. No user namespace is needed, so it also works
 * where unprivileged user namespaces are disabled or refused (containers, chroots), and the sandbox
 * gets no user namespace to build on. The root is a tmpfs that is made read-only once everything is
 * mounted; the root filesystem's top-level entries are bound read-only into it ({@code host}: the
 * host's system directories and a minimal /etc; a directory: all of its entries), so {@code
 * /workspace}, the home directory and {@code /run/agent} can be created even when the root
 * filesystem is read-only. {@code --die-with-parent} ties the sandbox to the launcher: if the
 * launcher dies, so does every process in the sandbox. Limits come from the launcher's cgroups
 * ({@link CgroupLimits}).
 */
public final class Bubblewrap implements Backend {
  /**
   * Host system directories bound in {@code host} mode (symlinks, as on merged-/usr, stay links).
   */
  static final List<String> HOST_DIRS =
      List.of("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32");

  /** The parts of the host's /etc a tool chain needs; never shadow, ssh keys or sudoers. */
  static final List<String> HOST_ETC =
      List.of(
          "alternatives",
          "ssl",
          "ca-certificates",
          "ld.so.cache",
          "ld.so.conf",
          "ld.so.conf.d",
          "nsswitch.conf",
          "localtime",
          "hosts");

  /** Entries of a rootfs directory that the sandbox provides itself. */
  static final Set<String> PROVIDED =
      Set.of("proc", "dev", "sys", "tmp", "run", "home", "workspace");

  private final Path hostRoot;

  Bubblewrap() {
    this(Path.of("/"));
  }

  /** For tests: resolve {@code host} mode against another directory. */
  Bubblewrap(Path hostRoot) {
    this.hostRoot = hostRoot;
  }

  @Override
  public String name() {
    return "bwrap";
  }

  @Override
  public String binary() {
    return "bwrap";
  }

  @Override
  public boolean limitsItself() {
    return false;
  }

  @Override
  public LaunchPlan plan(SandboxSpec s) {
    List<String> a = new ArrayList<>();
    s.netnsPath().ifPresent(ns -> a.addAll(List.of("nsenter", "--net=" + ns, "--")));
    a.addAll(
        List.of(
            "setpriv",
            "--ruid=" + SandboxSpec.UID,
            "--rgid=" + SandboxSpec.UID,
            "--clear-groups",
            "--"));
    a.addAll(
        List.of(
            "bwrap",
            "--unshare-pid",
            "--unshare-ipc",
            "--unshare-uts",
            "--unshare-cgroup-try",
            "--die-with-parent",
            "--hostname",
            "sandbox"));
    if (s.netnsPath().isEmpty()) {
      a.add("--unshare-net");
    }
    // Always: a sandbox in the launcher's session could push input into root's terminal
    // (TIOCSTI). An interactive shell therefore runs without job control.
    a.add("--new-session");
    if (s.rootfs().equals("host")) {
      hostRoot(a, s.helperDir());
    } else {
      dirRoot(a, Path.of(s.rootfs()));
    }
    a.addAll(List.of("--proc", "/proc", "--dev", "/dev"));
    a.addAll(List.of("--perms", "1777", "--tmpfs", "/tmp"));
    if (s.workspace().isPresent()) {
      a.addAll(List.of("--bind", s.workspace().get().toString(), SandboxSpec.WORKSPACE));
    } else {
      a.addAll(List.of("--perms", "0700", "--tmpfs", SandboxSpec.WORKSPACE));
    }
    a.addAll(List.of("--perms", "0700", "--tmpfs", SandboxSpec.HOME));
    a.addAll(List.of("--ro-bind", s.helperDir().toString(), SandboxSpec.HELPER_MOUNT));
    a.addAll(
        List.of("--remount-ro", "/", "--chdir", SandboxSpec.WORKSPACE, "--cap-drop", "ALL", "--"));
    a.addAll(s.command().isEmpty() ? List.of("/bin/sh") : s.command());
    return new LaunchPlan(a, List.of(), List.of());
  }

  private void hostRoot(List<String> a, Path helperDir) {
    for (String d : HOST_DIRS) {
      bindEntry(a, hostRoot.resolve(d), "/" + d);
    }
    for (String e : HOST_ETC) {
      Path p = hostRoot.resolve("etc").resolve(e);
      if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        a.addAll(List.of("--ro-bind", p.toString(), "/etc/" + e));
      }
    }
    // uid 1000 gets a name (git, ssh and shells look it up); files written by the launcher.
    a.addAll(List.of("--ro-bind", helperDir.resolve("passwd").toString(), "/etc/passwd"));
    a.addAll(List.of("--ro-bind", helperDir.resolve("group").toString(), "/etc/group"));
  }

  private static void dirRoot(List<String> a, Path root) {
    Set<Path> entries = new TreeSet<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
      ds.forEach(entries::add);
    } catch (IOException e) {
      throw new IllegalStateException("cannot list the rootfs " + root + ": " + e.getMessage(), e);
    }
    for (Path p : entries) {
      String name = p.getFileName().toString();
      if (!PROVIDED.contains(name)) {
        bindEntry(a, p, "/" + name);
      }
    }
  }

  private static void bindEntry(List<String> a, Path p, String target) {
    try {
      if (Files.isSymbolicLink(p)) {
        a.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), target));
      } else if (Files.exists(p)) {
        a.addAll(List.of("--ro-bind", p.toString(), target));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + p + ": " + e.getMessage(), e);
    }
  }
}
