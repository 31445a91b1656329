// @actions/workflow-parser imports its schema JSON the way bundlers allow, without an import
// attribute; Node refuses that. This loader hook adds the attribute for .json modules only
// (import attributes on Node 20+, import assertions on Node 18, Debian 12's).
const attributes = Number(process.versions.node.split(".")[0]) >= 20;
export async function load(url, context, nextLoad) {
  if (url.endsWith(".json")) {
    const json = { type: "json" };
    return nextLoad(url, attributes ? { ...context, importAttributes: json } : { ...context, importAssertions: json });
  }
  return nextLoad(url, context);
}
