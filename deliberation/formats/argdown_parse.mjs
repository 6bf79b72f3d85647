// Parses Argdown from standard input with the reference parser (@argdown/core) and prints JSON:
// statements, arguments (with premise-conclusion structure), relations and parser errors.
// Run as: node argdown_parse.mjs < file.argdown   (NODE_PATH must reach @argdown/core)
import { createRequire } from "module";
import path from "path";

const require = createRequire(path.join(process.env.ARGDOWN_MODULES || process.cwd(), "noop.js"));
const { ArgdownApplication, ParserPlugin, ModelPlugin, DataPlugin, PreprocessorPlugin, StatementSelectionPlugin,
  ArgumentSelectionPlugin, RelationSelectionPlugin } = require("@argdown/core");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const app = new ArgdownApplication();
  app.addPlugin(new ParserPlugin(), "parse-input");
  app.addPlugin(new DataPlugin(), "build-model");
  app.addPlugin(new ModelPlugin(), "build-model");
  const response = app.run({ input, process: ["parse-input", "build-model"], logLevel: "error" });
  const errors = [...(response.parserErrors || []), ...(response.lexerErrors || [])].map((e) => ({
    message: e.message, line: e.token ? e.token.startLine : e.line, column: e.token ? e.token.startColumn : e.column,
  }));
  if (!response.ast) {
    errors.push({ message: "The file could not be parsed: check the front matter and the {data} blocks for YAML errors.", line: 1, column: 1 });
  }
  const statements = Object.values(response.statements || {}).map((ec) => ({
    title: ec.title, text: (ec.members || []).map((m) => m.text).filter(Boolean)[0] || "",
    tags: ec.tags || [], data: ec.data || null, isUsedAsTopLevelStatement: !!ec.isUsedAsTopLevelStatement,
  }));
  const args = Object.values(response.arguments || {}).map((a) => ({
    title: a.title, text: (a.members || []).map((m) => m.text).filter(Boolean)[0] || "",
    pcs: (a.pcs || []).map((s) => ({ title: s.title, role: s.role })), tags: a.tags || [],
  }));
  const relations = (response.relations || []).map((r) => ({
    type: r.relationType, from: r.from.title, fromType: r.from.type, to: r.to.title, toType: r.to.type,
  }));
  const frontMatter = response.frontMatter || {};
  process.stdout.write(JSON.stringify({ errors, frontMatter, statements, arguments: args, relations }));
});
