package dev.agentbroker.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict check of Kubernetes manifests against the Kubernetes object model (fabric8's
 * kubernetes-model, generated from the API server's OpenAPI schema): every document must be a known
 * {@code apiVersion}/{@code kind}, every field must exist where it is written (fabric8 keeps
 * unknown fields in {@code additionalProperties}; any found there is an error) and have the
 * schema's type. Then the rules this project holds its workloads to: non-root, read-only root
 * filesystem, no privilege escalation, all capabilities dropped, probes, and selectors that select
 * their own pods. Returns every problem, not just the first.
 */
final class K8sSchema {
  private static final Map<String, Class<? extends HasMetadata>> KINDS =
      Map.of(
          "v1/ConfigMap", ConfigMap.class,
          "v1/Secret", Secret.class,
          "v1/Service", Service.class,
          "v1/ServiceAccount", ServiceAccount.class,
          "apps/v1/Deployment", Deployment.class,
          "apps/v1/StatefulSet", StatefulSet.class,
          "networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class);

  private static final ObjectMapper YAML =
      JsonMapper.builder(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .build();

  private K8sSchema() {}

  /** The objects of a multi-document YAML text, or problems ({@code file: doc N: …}). */
  static List<String> check(String file, String yaml, List<HasMetadata> out) {
    List<String> problems = new ArrayList<>();
    try (YAMLParser p = ((YAMLFactory) YAML.getFactory()).createParser(yaml)) {
      List<JsonNode> docs = YAML.readValues(p, JsonNode.class).readAll();
      for (int i = 0; i < docs.size(); i++) {
        String where = file + ": doc " + (i + 1);
        JsonNode doc = docs.get(i);
        if (doc == null || doc.isNull() || doc.isMissingNode()) {
          continue;
        }
        String key = doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
        Class<? extends HasMetadata> type = KINDS.get(key);
        if (type == null) {
          problems.add(where + ": unknown apiVersion/kind " + key);
          continue;
        }
        HasMetadata obj;
        try {
          obj = YAML.treeToValue(doc, type);
        } catch (JsonMappingException e) {
          problems.add(where + ": " + path(e) + ": " + firstLine(e.getOriginalMessage()));
          continue;
        }
        unknownFields(obj, where + " (" + obj.getKind() + ")", problems, new IdentityHashMap<>());
        if (obj.getMetadata() == null || obj.getMetadata().getName() == null) {
          problems.add(where + ": metadata.name is required");
        }
        rules(obj, where, problems);
        out.add(obj);
      }
    } catch (Exception e) {
      problems.add(file + ": not YAML: " + firstLine(e.getMessage()));
    }
    return problems;
  }

  /** fabric8 objects keep fields the schema does not know in additionalProperties. */
  private static void unknownFields(
      Object o, String path, List<String> problems, IdentityHashMap<Object, Boolean> seen) {
    if (o == null || seen.put(o, Boolean.TRUE) != null) {
      return;
    }
    if (o instanceof Collection<?> c) {
      int i = 0;
      for (Object e : c) {
        unknownFields(e, path + "[" + i++ + "]", problems, seen);
      }
      return;
    }
    if (o instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        unknownFields(e.getValue(), path + "." + e.getKey(), problems, seen);
      }
      return;
    }
    if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method m : o.getClass().getMethods()) {
      if (m.getParameterCount() != 0
          || Modifier.isStatic(m.getModifiers())
          || !m.getName().startsWith("get")
          || m.getDeclaringClass() == Object.class) {
        continue;
      }
      Object v;
      try {
        v = m.invoke(o);
      } catch (ReflectiveOperationException e) {
        continue;
      }
      String field = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
      if (field.equals("additionalProperties")) {
        if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
          problems.add(path + ": unknown field(s) " + extra.keySet());
        }
        continue;
      }
      unknownFields(v, path + "." + field, problems, seen);
    }
  }

  private static void rules(HasMetadata obj, String where, List<String> problems) {
    PodTemplateSpec template = null;
    Map<String, String> selector = null;
    if (obj instanceof Deployment d) {
      template = d.getSpec().getTemplate();
      selector = d.getSpec().getSelector().getMatchLabels();
    } else if (obj instanceof StatefulSet s) {
      template = s.getSpec().getTemplate();
      selector = s.getSpec().getSelector().getMatchLabels();
    }
    if (template == null) {
      return;
    }
    String name = where + " " + obj.getMetadata().getName();
    Map<String, String> labels = template.getMetadata().getLabels();
    if (selector == null || labels == null || !labels.entrySet().containsAll(selector.entrySet())) {
      problems.add(name + ": spec.selector does not select the template's labels");
    }
    PodSpec pod = template.getSpec();
    if (pod.getSecurityContext() == null
        || !Boolean.TRUE.equals(pod.getSecurityContext().getRunAsNonRoot())) {
      problems.add(name + ": securityContext.runAsNonRoot must be true");
    }
    for (Container c : pod.getContainers()) {
      String cn = name + " container " + c.getName();
      var sc = c.getSecurityContext();
      if (sc == null || !Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())) {
        problems.add(cn + ": readOnlyRootFilesystem must be true");
      }
      if (sc == null || !Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
        problems.add(cn + ": allowPrivilegeEscalation must be false");
      }
      if (sc == null
          || sc.getCapabilities() == null
          || !List.of("ALL").equals(sc.getCapabilities().getDrop())) {
        problems.add(cn + ": capabilities.drop must be [ALL]");
      }
      if (c.getReadinessProbe() == null || c.getLivenessProbe() == null) {
        problems.add(cn + ": needs a readinessProbe and a livenessProbe");
      }
      if (c.getImage() == null || c.getImage().isBlank()) {
        problems.add(cn + ": image is required");
      }
    }
  }

  /** {@code spec.template.spec.containers[0].ports[0].containerPort} */
  private static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        sb.append(sb.length() > 0 ? "." : "").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "error";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
