package dev.agentbroker.audit;

/**
 * Proof that an event is durably journaled: its position in the chain and its chain hash.
 *
 * @param sequence the record's sequence number (1-based, contiguous)
 * @param hash hex SHA-256 chain hash of the record
 */
public record Appended(long sequence, String hash) {}
