package dev.agentbroker.tiera.internal;

/** A value held by a {@link RefCountedPool}: how many holders it has. */
abstract class Pooled {
  /** Changed only inside the pool's per-key atomic map operations. */
  int refs;
}
