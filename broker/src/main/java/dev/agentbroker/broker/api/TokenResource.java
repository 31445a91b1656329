package dev.agentbroker.broker.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentbroker.audit.Outcomes;
import dev.agentbroker.broker.auth.AuthenticatedCaller;
import dev.agentbroker.broker.auth.CallerAuthenticator;
import dev.agentbroker.broker.http.HttpInputs;
import dev.agentbroker.broker.http.ProblemException;
import dev.agentbroker.broker.http.Responses;
import dev.agentbroker.broker.internal.BrokerMetrics;
import dev.agentbroker.policy.Decision;
import dev.agentbroker.policy.PolicyStore;
import dev.agentbroker.policy.Scope;
import dev.agentbroker.policy.TokenRequest;
import dev.agentbroker.request.ErrorCode;
import dev.agentbroker.tiera.MintResult;
import dev.agentbroker.tiera.RevokeResult;
import dev.agentbroker.tiera.TokenService;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Tier A over HTTP: mint, explain, revoke. */
@Path("/token")
@Tag(name = "Tier A: tokens")
public class TokenResource {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern LEASE_ID = Pattern.compile("^lease_[0-9a-f]{32}$");

  @Inject CallerAuthenticator authenticator;
  @Inject TokenService tokens;
  @Inject PolicyStore policy;
  @Inject BrokerMetrics metrics;

  @POST
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "Mint a down-scoped installation token (dies within one hour)")
  @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
  public Response mint(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
      @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
      byte[] body,
      @Context ContainerRequestContext ctx,
      @Context HttpServerRequest http) {
    long t0 = System.nanoTime();
    MintResult result;
    try {
      AuthenticatedCaller caller = authenticator.authenticate(authorization);
      HttpInputs.requireJson(contentType);
      TokenRequest request = TokenRequestParser.parse(body);
      // Tier A owns the rest: policy, rate limits, journal, mint, journal.
      result = tokens.mint(caller.caller(), request, HttpInputs.meta(ctx, http));
    } catch (ProblemException e) {
      metrics.mint(e.code().wire(), e.reason(), System.nanoTime() - t0);
      throw e;
    }
    if (result instanceof MintResult.Refused r) {
      metrics.mint(r.code().wire(), r.reason(), System.nanoTime() - t0);
      throw Responses.refusal(
          r.code(), r.reason(), r.detail(), List.of(), r.retryAfter(), r.headers());
    }
    MintResult.Issued issued = (MintResult.Issued) result;
    metrics.mint("issued", issued.decision().reason(), System.nanoTime() - t0);
    ObjectNode out = MAPPER.createObjectNode();
    out.put("token", issued.token().token());
    out.put("expires_at", issued.token().expiresAt().toString());
    ObjectNode perms = out.putObject("permissions");
    issued.decision().scope().orElseThrow().permissions().forEach(perms::put);
    ArrayNode repos = out.putArray("repositories");
    issued.lease().repositories().forEach(repos::add);
    out.put("lease_id", issued.lease().leaseId());
    return Responses.json(201, out.toString(), issued.headers());
  }

  @POST
  @Path("/explain")
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "Dry run: the policy decision and exact scope, nothing minted")
  @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
  public Response explain(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
      @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
      byte[] body) {
    AuthenticatedCaller caller = authenticator.authenticate(authorization);
    HttpInputs.requireJson(contentType);
    TokenRequest request = TokenRequestParser.parse(body);
    Decision d = tokens.explain(caller.caller(), request);
    ObjectNode out = MAPPER.createObjectNode();
    out.put("decision", d.allowed() ? Outcomes.ALLOWED : Outcomes.DENIED);
    out.put("reason", d.reason());
    out.put("rule_id", d.ruleId());
    if (d.identityId() != null) {
      out.put("identity_id", d.identityId());
    }
    if (d.profile() != null) {
      out.put("profile", d.profile().wireName());
    }
    ArrayNode why = out.putArray("explanation");
    d.explanation().forEach(why::add);
    if (d.scope().isPresent()) {
      Scope s = d.scope().get();
      ObjectNode scope = out.putObject("scope");
      scope.put("owner", s.owner());
      ArrayNode names = scope.putArray("repositories");
      s.repositories().forEach(names::add);
      ArrayNode ids = scope.putArray("repository_ids");
      s.repositoryIds().forEach(ids::add);
      ObjectNode perms = scope.putObject("permissions");
      s.permissions().forEach(perms::put);
    }
    return Response.ok(out.toString()).build();
  }

  @DELETE
  @Path("/{lease_id}")
  @Operation(summary = "Revoke a token early (only the identity that minted it)")
  public Response revoke(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
      @PathParam("lease_id") String leaseId,
      @Context ContainerRequestContext ctx,
      @Context HttpServerRequest http) {
    AuthenticatedCaller caller = authenticator.authenticate(authorization);
    if (!LEASE_ID.matcher(leaseId).matches()) {
      throw new ProblemException(ErrorCode.NOT_FOUND, "lease_not_found", "no such lease");
    }
    String identity = policy.current().identify(caller.caller()).map(i -> i.id()).orElse(null);
    if (identity == null) {
      throw new ProblemException(ErrorCode.NOT_FOUND, "lease_not_found", "no such lease");
    }
    RevokeResult r = tokens.revoke(identity, leaseId, HttpInputs.meta(ctx, http));
    if (r instanceof RevokeResult.Refused refused) {
      metrics.revoke(refused.code().wire());
      String detail = refused.code() == ErrorCode.NOT_FOUND ? "no such lease" : "revocation failed";
      throw Responses.refusal(
          refused.code(), refused.reason(), detail, List.of(), Optional.empty(), Map.of());
    }
    metrics.revoke("revoked");
    return Response.noContent().build();
  }
}
