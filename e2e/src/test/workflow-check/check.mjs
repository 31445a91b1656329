// Parses each workflow file with GitHub's own parser and schema (@actions/workflow-parser), then
// converts it to GitHub's workflow template, and prints every error as FILE: message.
// Exit 0: all valid; 1: errors; 2: usage.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } from "@actions/workflow-parser";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node check.mjs WORKFLOW.yml...");
  process.exit(2);
}
let bad = 0;
for (const file of files) {
  const name = basename(file);
  const result = parseWorkflow({ name, content: readFileSync(file, "utf8") }, new NoOperationTraceWriter());
  const errors = [...result.context.errors.getErrors()];
  if (result.value) {
    const template = await convertWorkflowTemplate(result.context, result.value);
    for (const e of template.errors ?? []) errors.push(e);
  } else if (errors.length === 0) {
    errors.push({ message: "no workflow could be parsed" });
  }
  // The conversion repeats the parse errors it saw: print each message once.
  const messages = [...new Set(errors.map((e) => e.Message ?? e.message ?? String(e)))];
  for (const m of messages) console.log(`${name}: ${m}`);
  bad += messages.length;
  if (messages.length === 0) console.log(`${name}: OK`);
}
process.exit(bad === 0 ? 0 : 1);
