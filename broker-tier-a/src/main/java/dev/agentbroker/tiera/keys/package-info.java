/**
 * Key custody for the GitHub App: who signs the App JWT. The broker only ever sees an {@link
 * dev.agentbroker.tiera.keys.AppJwtSigner}; whether the private key sits in a file (dev), in memory
 * after a vault read, or never leaves a transit engine is the signer's business.
 */
package dev.agentbroker.tiera.keys;
