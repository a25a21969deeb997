// Relay's compiler reads graphql`...` tags in source files, not .graphql documents: wrap each document of
// documents/ (one definition each, named after its file) in a TypeScript module under build/relay/.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";

rmSync("build/relay", { recursive: true, force: true });
mkdirSync("build/relay/__generated__", { recursive: true });
for (const file of readdirSync("documents").filter((f) => f.endsWith(".graphql"))) {
  const text = readFileSync(`documents/${file}`, "utf8").replaceAll("`", "\\`");
  const name = file.replace(/\.graphql$/, "");
  writeFileSync(`build/relay/${name}.ts`, `declare const graphql: (s: TemplateStringsArray) => unknown;\nexport const ${name} = graphql\`\n${text}\`;\n`);
}
