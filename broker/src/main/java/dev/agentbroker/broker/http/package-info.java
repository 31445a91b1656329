/**
 * What every route shares: refusals as RFC 9457 problem documents with stable codes ({@link
 * dev.agentbroker.broker.http.Responses}), request ids, strict JSON bodies. The lowest package of
 * the broker: it depends on no other broker package.
 */
package dev.agentbroker.broker.http;
