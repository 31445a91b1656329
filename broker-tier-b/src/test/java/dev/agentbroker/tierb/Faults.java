package dev.agentbroker.tierb;

import dev.agentbroker.audit.Appended;
import dev.agentbroker.audit.AuditEvent;
import dev.agentbroker.audit.AuditJournal;
import dev.agentbroker.audit.AuditUnavailableException;
import dev.agentbroker.audit.JournalStats;
import java.util.Optional;

/** Parts that fail on purpose, for Tier B's fail-closed tests (verbs and break-glass). */
public final class Faults {
  private Faults() {}

  /** An idempotency store whose every claim gets {@code answer}. */
  public static IdempotencyStore answering(IdempotencyStore.Claim answer) {
    return new IdempotencyStore() {
      @Override
      public Claim claim(String key, String bodyHash) {
        return answer;
      }

      @Override
      public void complete(String key, Stored stored) {
        throw new AssertionError("nothing may complete a key it did not claim");
      }

      @Override
      public void release(String key) {
        throw new AssertionError("nothing may release a key it did not claim");
      }

      @Override
      public Optional<Stored> peek(String key) {
        return Optional.empty();
      }
    };
  }

  /** A journal that refuses every append, as a full disk does. */
  public static AuditJournal unwritable() {
    return new AuditJournal() {
      @Override
      public Appended append(AuditEvent event) throws AuditUnavailableException {
        throw new AuditUnavailableException(
            AuditUnavailableException.Reason.IO_ERROR, "simulated: no space left on device");
      }

      @Override
      public JournalStats stats() {
        throw new UnsupportedOperationException();
      }

      @Override
      public void close() {}
    };
  }

  /** {@code journal} until {@link Switchable#breakNow}, then refusing every append. */
  public static Switchable switchable(AuditJournal journal) {
    return new Switchable(journal);
  }

  /** A journal that works, then fails like a full disk once broken. */
  public static final class Switchable implements AuditJournal {
    private final AuditJournal journal;
    private volatile boolean broken;

    Switchable(AuditJournal journal) {
      this.journal = journal;
    }

    public void breakNow() {
      broken = true;
    }

    @Override
    public Appended append(AuditEvent event) throws AuditUnavailableException {
      if (broken) {
        throw new AuditUnavailableException(
            AuditUnavailableException.Reason.IO_ERROR, "simulated: no space left on device");
      }
      return journal.append(event);
    }

    @Override
    public JournalStats stats() {
      return journal.stats();
    }

    @Override
    public void close() {}
  }
}
