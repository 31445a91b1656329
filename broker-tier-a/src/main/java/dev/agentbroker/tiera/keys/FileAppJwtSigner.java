package dev.agentbroker.tiera.keys;

import io.jsonwebtoken.Jwts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Instant;
import java.util.Date;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Development and demo key source: the PEM is read from a file once at start-up. Refuses a
 * world-readable file, because a key anyone on the host can read is not custody, and a
 * group-readable one unless that group is the broker's own (its primary gid, or one gid the
 * operator names): a {@code 0640 root:staff} key would be readable by every member of staff.
 */
public final class FileAppJwtSigner implements AppJwtSigner {
  private final RSAPrivateCrtKey key;
  private final String description;

  private FileAppJwtSigner(RSAPrivateCrtKey key) {
    this.key = key;
    this.description = "file (RSA " + key.getModulus().bitLength() + ")";
  }

  /** Loads the key; group read is allowed for the broker's primary group only. */
  public static FileAppJwtSigner load(Path file) throws KeyUnavailableException {
    return load(file, OptionalInt.empty());
  }

  /**
   * Loads the key; every failure names the file but never its content. Group read is allowed when
   * the file's group is the process's primary gid or {@code allowedGroup}.
   */
  public static FileAppJwtSigner load(Path file, OptionalInt allowedGroup)
      throws KeyUnavailableException {
    if (!Files.isRegularFile(file)) {
      throw new KeyUnavailableException("App private key file not found: " + file);
    }
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (perms.contains(PosixFilePermission.OTHERS_READ)) {
        throw new KeyUnavailableException(
            "App private key file is world-readable; chmod 600 it: " + file);
      }
      if (perms.contains(PosixFilePermission.GROUP_READ)) {
        int gid = (Integer) Files.getAttribute(file, "unix:gid");
        if (gid != processGid() && (allowedGroup.isEmpty() || allowedGroup.getAsInt() != gid)) {
          throw new KeyUnavailableException(
              "App private key file is readable by group "
                  + gid
                  + ", which is not the broker's own; chmod 600 it or set broker.key.file-group: "
                  + file);
        }
      }
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      // Non-POSIX file systems cannot express the check; the file mode is dev-only anyway.
    } catch (IOException e) {
      throw new KeyUnavailableException("App private key file permissions unreadable: " + file);
    }
    String pem;
    try {
      pem = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new KeyUnavailableException("App private key file unreadable: " + file);
    }
    return new FileAppJwtSigner(PemKeys.parseRsaPrivateKey(pem));
  }

  /**
   * The primary gid of this process (what a file it creates gets by default), or -1 when the JDK
   * lacks {@code jdk.security.auth} (a trimmed runtime): then only {@code broker.key.file-group}
   * can allow a group-readable key — unknown means refused.
   */
  static long processGid() {
    try {
      return new com.sun.security.auth.module.UnixSystem().getGid();
    } catch (LinkageError e) {
      return -1;
    }
  }

  /** For tests and for key sources that already hold the parsed key in memory. */
  public static FileAppJwtSigner ofKey(RSAPrivateCrtKey key) {
    return new FileAppJwtSigner(key);
  }

  @Override
  public String sign(String issuer, Instant issuedAt, Instant expiresAt) {
    return Jwts.builder()
        .issuer(issuer)
        .issuedAt(Date.from(issuedAt))
        .expiration(Date.from(expiresAt))
        .signWith(key, Jwts.SIG.RS256)
        .compact();
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public String toString() {
    return "FileAppJwtSigner[" + description + "]";
  }
}
