package dev.agentbroker.broker.internal;

import dev.agentbroker.audit.FileJournal;
import dev.agentbroker.audit.JournalConfig;
import dev.agentbroker.audit.JournalKey;
import dev.agentbroker.audit.JournalVerifier;
import dev.agentbroker.audit.ShippingCursor;
import dev.agentbroker.audit.VerifyResult;
import dev.agentbroker.broker.config.BrokerConfig;
import dev.agentbroker.broker.config.JournalIntegritySettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.jboss.logging.Logger;

/**
 * Opens the audit journal at start-up, fail closed. Steps, in order:
 *
 * <ol>
 *   <li>Load the journal key if {@code key-file} is set; unreadable, too open, malformed: refuse.
 *   <li>Read the shipping cursor if its file exists (a malformed cursor refuses too).
 *   <li>Verify every segment within {@code verify-budget}: broken, truncated (journal ends before
 *       the cursor or the keyed checkpoint), wrong or missing key, budget exhausted: refuse, unless
 *       {@code allow-unverified-start} (then one ERROR line).
 *   <li>Open the journal (keyed, with checkpoints; a keyed journal without its key, a truncated
 *       one, or unkeyed records under a key without {@code migrate-legacy} refuse here too).
 * </ol>
 */
public final class JournalStartup {
  private static final Logger LOG = Logger.getLogger(JournalStartup.class);
  static final String KEY_FILE =
      "broker.audit.integrity.key-file (BROKER_AUDIT_INTEGRITY_KEY_FILE)";
  static final String OVERRIDE =
      "broker.audit.integrity.allow-unverified-start=true"
          + " (BROKER_AUDIT_INTEGRITY_ALLOW_UNVERIFIED_START)";

  private JournalStartup() {}

  /**
   * @param cursorFile the HEC shipping cursor (may not exist)
   * @throws IllegalStateException with one operator-readable message; the broker must not start
   */
  public static FileJournal open(
      BrokerConfig.Audit audit, JournalIntegritySettings integrity, Path cursorFile, Clock clock) {
    Path dir = audit.journalDir();
    JournalKey key = null;
    if (integrity.keyFile().isPresent()) {
      try {
        key = JournalKey.fromFile(integrity.keyFile().get());
      } catch (IOException e) {
        throw new IllegalStateException(
            "audit journal key unreadable (" + KEY_FILE + "), broker not started: " + describe(e));
      }
    } else {
      LOG.warnf(
          "audit journal %s is UNKEYED: its hash chain proves nothing against someone with disk"
              + " access; set %s",
          dir, KEY_FILE);
    }
    long shipped = shippedThrough(cursorFile);
    VerifyResult result;
    try {
      result =
          JournalVerifier.verify(
              dir, new JournalVerifier.Options(key, shipped, integrity.verifyBudget(), clock));
    } catch (IOException e) {
      result = null;
      refuseOrOverride(integrity, "audit journal " + dir + " cannot be read: " + describe(e));
    }
    if (result != null && !result.ok()) {
      refuseOrOverride(
          integrity,
          "audit journal "
              + dir
              + " failed start-up verification ("
              + result.verdict()
              + (result.verdict() == VerifyResult.Verdict.INCOMPLETE
                  ? ", raise broker.audit.integrity.verify-budget"
                  : "")
              + "): "
              + result.firstProblem().orElseThrow());
    } else if (result != null) {
      LOG.infof(
          "audit journal verified: %d records through seq %d%s%s",
          result.eventsChecked(),
          result.lastSequence(),
          key == null ? " (unkeyed)" : ", key id " + key.keyId(),
          result.unkeyedRecords() > 0 && key != null
              ? ", " + result.unkeyedRecords() + " unkeyed legacy records NOT authenticated"
              : "");
    }
    JournalConfig config =
        new JournalConfig(dir, audit.segmentMaxBytes(), audit.maxPending(), audit.appendTimeout())
            .withKey(key)
            .withCheckpoints(integrity.checkpointEvery(), integrity.checkpointInterval())
            .withMigrateLegacy(integrity.migrateLegacy());
    try {
      return FileJournal.open(config, clock);
    } catch (IOException e) {
      throw new IllegalStateException(
          "audit journal cannot be opened at " + dir + ", broker not started: " + e.getMessage());
    }
  }

  private static long shippedThrough(Path cursorFile) {
    if (cursorFile == null || !Files.exists(cursorFile)) {
      return 0;
    }
    try {
      return ShippingCursor.open(cursorFile).lastShippedSequence();
    } catch (IOException e) {
      throw new IllegalStateException(
          "audit shipping cursor unreadable (broker.audit.hec.cursor-file), broker not started: "
              + describe(e));
    }
  }

  private static void refuseOrOverride(JournalIntegritySettings integrity, String problem) {
    if (!integrity.allowUnverifiedStart()) {
      throw new IllegalStateException(
          problem
              + "; broker not started. Inspect with JournalVerifier verify; to start anyway set "
              + OVERRIDE);
    }
    LOG.errorf("%s; STARTING ANYWAY because %s", problem, OVERRIDE);
  }

  private static String describe(IOException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
