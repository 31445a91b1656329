package dev.agentbroker.tierb.breakglass;

import java.io.IOException;
import java.util.List;

/**
 * Where grants survive a restart. The service keeps the working set in memory and writes the whole
 * set after every change (break-glass is rare, so simplicity beats write volume). Implementations
 * must make {@link #save} all-or-nothing: after a crash either the old or the new set is read back.
 */
public interface GrantStore {
  /** Every stored grant; an unreadable store throws rather than starting empty. */
  List<Grant> load() throws GrantStoreException;

  /** Replaces the stored set durably; returns only once it is on disk. */
  void save(List<Grant> grants) throws IOException;

  /** Where the state lives, for messages. */
  String describe();
}
