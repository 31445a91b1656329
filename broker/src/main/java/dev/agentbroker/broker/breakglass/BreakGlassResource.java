package dev.agentbroker.broker.breakglass;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentbroker.broker.http.HttpInputs;
import dev.agentbroker.broker.http.ProblemException;
import dev.agentbroker.broker.http.Responses;
import dev.agentbroker.request.ErrorCode;
import dev.agentbroker.tiera.github.InstallationToken;
import dev.agentbroker.tierb.breakglass.BreakGlassOutcome;
import dev.agentbroker.tierb.breakglass.BreakGlassRequest;
import dev.agentbroker.tierb.breakglass.BreakGlassService;
import dev.agentbroker.tierb.breakglass.Grant;
import dev.agentbroker.tierb.breakglass.GrantJson;
import dev.agentbroker.tierb.breakglass.GrantStoreException;
import dev.agentbroker.tierb.breakglass.Human;
import dev.agentbroker.tierb.verbs.VerbInputException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
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
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

/**
 * Break-glass over HTTP, for humans only: every route first resolves a human ({@link HumanCallers}:
 * a bearer JWT from an issuer marked {@code human=true}, or the page's SSO session), checks a state
 * change's JSON body (the grant's {@code id}; with a session the origin and CSRF token), then hands
 * the step to Tier B's service, which enforces the rules again. Answers are never cached; a token
 * appears only in the one answer to a successful use.
 */
@Path("/breakglass/requests")
@Tag(name = "Break-glass (humans only)")
public class BreakGlassResource {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final Pattern ID = Pattern.compile("^bg-[0-9a-f-]{36}$");
  private static final int MAX_BODY = 64 * 1024;
  private static final Logger LOG = Logger.getLogger(BreakGlassResource.class);

  @Inject BreakGlassRuntime breakGlass;
  @Inject HumanCallers callers;

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "Open requests and grants, the history, and who you are")
  public Response list(@Context HttpHeaders headers) {
    Human me = callers.resolve(headers).human();
    BreakGlassService s = breakGlass.service();
    ObjectNode out = MAPPER.createObjectNode();
    out.putObject("me").put("iss", me.issuer()).put("sub", me.subject()).put("person", me.person());
    out.putObject("settings")
        .put("approval_window_minutes", s.settings().approvalWindow().toMinutes())
        .put("max_duration_minutes", s.settings().maxDuration().toMinutes());
    try {
      grants(out.putArray("open"), s.open());
      grants(out.putArray("history"), s.history());
    } catch (GrantStoreException e) {
      // Fail closed: an unreadable store is an outage, never an empty list.
      LOG.errorf("break-glass store unavailable: %s", e.getMessage());
      throw new ProblemException(
          ErrorCode.STATE_UNAVAILABLE, "state_unavailable", "the break-glass store cannot be read");
    }
    return ok(200, out);
  }

  @POST
  @Produces(MediaType.APPLICATION_JSON)
  @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
  @Operation(summary = "Request an elevation (installation-wide token or a catalog verb)")
  public Response request(
      @Context HttpHeaders headers,
      byte[] body,
      @Context ContainerRequestContext ctx,
      @Context HttpServerRequest http) {
    HumanCallers.Acting a = callers.resolve(headers);
    Human me = a.human();
    HttpInputs.requireJson(headers.getHeaderString(HttpHeaders.CONTENT_TYPE));
    JsonNode json =
        callers.checkStep(a, headers, HttpInputs.jsonObject(body, MAX_BODY), null, null);
    BreakGlassRequest r;
    try {
      r = BreakGlassRequest.parse(json);
    } catch (VerbInputException e) {
      throw new ProblemException(
          ErrorCode.INVALID_REQUEST,
          "invalid_fields",
          "the request is invalid",
          e.violations(),
          null);
    }
    return answer(breakGlass.service().request(me, r, HttpInputs.meta(ctx, http)), 201);
  }

  @POST
  @Path("/{id}/approve")
  @Produces(MediaType.APPLICATION_JSON)
  @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
  @Operation(summary = "Approve another human's pending request (body: {\"id\": \"…\"})")
  public Response approve(
      @Context HttpHeaders headers,
      @PathParam("id") String id,
      byte[] body,
      @Context ContainerRequestContext ctx,
      @Context HttpServerRequest http) {
    Human me = step(headers, id, body, Set.of());
    return answer(breakGlass.service().approve(me, id, HttpInputs.meta(ctx, http)), 200);
  }

  @POST
  @Path("/{id}/deny")
  @Produces(MediaType.APPLICATION_JSON)
  @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
  @Operation(summary = "Deny a pending request (body: {\"id\": \"…\", \"reason\": \"…\"})")
  public Response deny(
      @Context HttpHeaders headers,
      @PathParam("id") String id,
      byte[] body,
      @Context ContainerRequestContext ctx,
      @Context HttpServerRequest http) {
    HumanCallers.Acting a = callers.resolve(headers);
    HttpInputs.requireJson(headers.getHeaderString(HttpHeaders.CONTENT_TYPE));
    String grant = checked(id);
    JsonNode json =
        callers.checkStep(
            a, headers, HttpInputs.jsonObject(body, MAX_BODY), grant, Set.of("reason"));
    JsonNode reason = json.get("reason");
    if (reason == null || !reason.isTextual()) {
      throw new ProblemException(
          ErrorCode.INVALID_REQUEST,
          "invalid_fields",
          "the body must be {\"id\": \"…\", \"reason\": \"…\"}");
    }
    return answer(
        breakGlass.service().deny(a.human(), id, reason.asText(), HttpInputs.meta(ctx, http)), 200);
  }

  @POST
  @Path("/{id}/use")
  @Produces(MediaType.APPLICATION_JSON)
  @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
  @Operation(
      summary =
          "Use your approved grant, once (body: {\"id\": \"…\"}): the token or the verb's result")
  public Response use(
      @Context HttpHeaders headers,
      @PathParam("id") String id,
      byte[] body,
      @Context ContainerRequestContext ctx,
      @Context HttpServerRequest http) {
    Human me = step(headers, id, body, Set.of());
    return answer(breakGlass.service().use(me, id, HttpInputs.meta(ctx, http)), 200);
  }

  /**
   * Resolves the caller first (nothing of the request is checked for a stranger), then the content
   * type, the path's grant id and the state change's body (id, and origin + CSRF for a session).
   */
  private Human step(HttpHeaders headers, String id, byte[] body, Set<String> allowed) {
    HumanCallers.Acting a = callers.resolve(headers);
    HttpInputs.requireJson(headers.getHeaderString(HttpHeaders.CONTENT_TYPE));
    String grant = checked(id);
    callers.checkStep(a, headers, HttpInputs.jsonObject(body, MAX_BODY), grant, allowed);
    return a.human();
  }

  private static Response answer(BreakGlassOutcome o, int status) {
    if (o instanceof BreakGlassOutcome.Done d) {
      return ok(status, GrantJson.toJson(d.grant()));
    }
    if (o instanceof BreakGlassOutcome.Used u) {
      ObjectNode out = MAPPER.createObjectNode();
      out.set("grant", GrantJson.toJson(u.grant()));
      if (u.token().isPresent()) {
        InstallationToken t = u.token().get();
        ObjectNode tok = out.putObject("token");
        tok.put("token", t.token());
        tok.put("expires_at", t.expiresAt().toString());
        ObjectNode perms = tok.putObject("permissions");
        new java.util.TreeMap<>(t.permissions()).forEach(perms::put);
        tok.put("installation_id", t.installationId());
      }
      u.verbResult().ifPresent(r -> out.set("verb_result", r));
      return ok(200, out);
    }
    BreakGlassOutcome.Refused r = (BreakGlassOutcome.Refused) o;
    throw Responses.refusal(
        r.code(), r.reason(), r.detail(), r.violations(), Optional.empty(), Map.of());
  }

  private static Response ok(int status, JsonNode body) {
    return Responses.json(status, body.toString(), Map.of());
  }

  private static void grants(ArrayNode arr, List<Grant> grants) {
    grants.forEach(g -> arr.add(GrantJson.toJson(g)));
  }

  private static String checked(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new ProblemException(ErrorCode.NOT_FOUND, "grant_not_found", "no such grant");
    }
    return id;
  }
}
