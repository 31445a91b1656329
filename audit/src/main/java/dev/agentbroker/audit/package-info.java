/**
 * Audit events and the durable, hash-chained, fail-closed local journal.
 *
 * <p>Every broker decision is appended here <em>before</em> the action it describes is taken; if
 * the journal cannot confirm durability the caller must refuse the action. A later shipper reads
 * the journal with {@link dev.agentbroker.audit.JournalReader} and forwards it to Splunk HEC.
 */
package dev.agentbroker.audit;
