package dev.agentbroker.tierb.verbs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Small builders for the published JSON Schemas. */
final class Schemas {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private Schemas() {}

  static ObjectNode object(List<String> required) {
    ObjectNode s = MAPPER.createObjectNode();
    s.put("type", "object");
    s.put("additionalProperties", false);
    ArrayNode r = s.putArray("required");
    required.forEach(r::add);
    ObjectNode props = s.putObject("properties");
    props.putObject("dry_run").put("type", "boolean").put("default", false);
    return s;
  }

  static ObjectNode prop(ObjectNode schema, String name) {
    return ((ObjectNode) schema.get("properties")).putObject(name);
  }

  static void string(ObjectNode schema, String name, String pattern, int maxLength) {
    ObjectNode p = prop(schema, name).put("type", "string").put("maxLength", maxLength);
    if (pattern != null) {
      p.put("pattern", pattern);
    }
  }

  static void enumeration(ObjectNode schema, String name, List<String> values, String dflt) {
    ObjectNode p = prop(schema, name).put("type", "string");
    ArrayNode e = p.putArray("enum");
    values.forEach(e::add);
    if (dflt != null) {
      p.put("default", dflt);
    }
  }

  static void stringArray(ObjectNode schema, String name, String pattern, int maxItems) {
    ObjectNode p = prop(schema, name).put("type", "array").put("maxItems", maxItems);
    p.put("uniqueItems", true);
    p.putObject("items").put("type", "string").put("pattern", pattern);
  }
}
