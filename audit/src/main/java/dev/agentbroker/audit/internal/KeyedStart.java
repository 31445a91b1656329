package dev.agentbroker.audit.internal;

import dev.agentbroker.audit.AuditUnavailableException;
import dev.agentbroker.audit.JournalConfig;
import dev.agentbroker.audit.JournalKey;
import java.io.IOException;
import java.time.Clock;
import java.util.UUID;

/** Whether an opening journal must start its keyed chain, and writing the genesis record. */
final class KeyedStart {
  private KeyedStart() {}

  /**
   * Decides from the recovered tail.
   *
   * @return the last unkeyed seq the genesis record follows (0 for a new journal), or -1 when no
   *     genesis record is needed (unkeyed journal, or the keyed chain already runs)
   * @throws IOException when a key is configured, the journal holds only unkeyed records and
   *     migration was not allowed: adopting them silently would accept a journal rewritten by
   *     someone without the key
   */
  static long genesisNeeded(JournalConfig config, Recovery.State state) throws IOException {
    if (config.key() == null || state.headKeyed()) {
      return -1;
    }
    if (state.headSeq() > 0 && !config.migrateLegacy()) {
      throw new IOException(
          "audit journal in "
              + config.directory()
              + " holds unkeyed (legacy) records through seq "
              + state.headSeq()
              + " but a journal key is configured. If this journal predates the key, allow"
              + " migration once to start the keyed chain after them (JournalConfig.migrateLegacy;"
              + " broker: broker.audit.integrity.migrate-legacy=true). If it was keyed before, it"
              + " has been rewritten without the key: do not migrate, investigate");
    }
    return state.headSeq();
  }

  static void writeGenesis(JournalEngine engine, JournalKey key, Clock clock, long legacyThrough)
      throws IOException {
    try {
      engine.append(
          Genesis.event(clock.instant(), UUID.randomUUID().toString(), key, legacyThrough));
    } catch (AuditUnavailableException e) {
      engine.close();
      throw new IOException("cannot write the journal's genesis record: " + e.getMessage(), e);
    }
  }
}
