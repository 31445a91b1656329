package dev.agentbroker.broker.verbs;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentbroker.broker.auth.AuthenticatedCaller;
import dev.agentbroker.broker.auth.CallerAuthenticator;
import dev.agentbroker.broker.http.HttpInputs;
import dev.agentbroker.broker.http.ProblemException;
import dev.agentbroker.broker.http.Responses;
import dev.agentbroker.request.ErrorCode;
import dev.agentbroker.tierb.VerbOutcome;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
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
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Tier B over HTTP. Humans use break-glass, not these routes; agents never see a JIT token. */
@Path("/verbs")
@Tag(name = "Tier B: org-admin verbs")
public class VerbsResource {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("^[A-Za-z0-9._:-]{1,128}$");
  private static final Pattern VERB = Pattern.compile("^[a-z][a-z0-9-]{0,62}$");
  private static final int MAX_BODY = 64 * 1024;

  @Inject CallerAuthenticator authenticator;
  @Inject TierBRuntime tierB;

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "The verb catalog: each verb's schema and JIT-token permissions")
  public Response catalog(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
    authenticator.authenticate(authorization);
    return Response.ok(tierB.verbs().catalog().toString()).build();
  }

  @POST
  @Path("/{verb}")
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "Perform an allowlisted verb (dry_run: true returns the plan only)")
  @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
  public Response call(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
      @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
      @HeaderParam("Idempotency-Key") String idempotencyKey,
      @PathParam("verb") String verb,
      byte[] body,
      @Context ContainerRequestContext ctx,
      @Context HttpServerRequest http) {
    AuthenticatedCaller caller = authenticator.authenticate(authorization);
    HttpInputs.requireJson(contentType);
    if (!VERB.matcher(verb).matches()) {
      throw new ProblemException(ErrorCode.NOT_FOUND, "unknown_verb", "no such verb");
    }
    if (idempotencyKey != null && !IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
      throw new ProblemException(
          ErrorCode.INVALID_REQUEST,
          "invalid_idempotency_key",
          "Idempotency-Key: 1-128 of [A-Za-z0-9._:-]");
    }
    JsonNode json = HttpInputs.jsonObject(body, MAX_BODY);
    VerbOutcome outcome =
        tierB.verbs().call(caller.caller(), verb, json, idempotencyKey, HttpInputs.meta(ctx, http));
    if (outcome instanceof VerbOutcome.Answered a) {
      return Responses.json(a.status(), a.body().toString(), a.headers());
    }
    VerbOutcome.Refused r = (VerbOutcome.Refused) outcome;
    throw Responses.refusal(
        r.code(), r.reason(), r.detail(), r.violations(), r.retryAfter(), r.headers());
  }
}
