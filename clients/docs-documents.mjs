// The named operations of docs/operations/*.md (each ```graphql block), written to build/docs/ so that GraphQL
// Code Generator types them with the fixture's own documents: the guide's examples compile as front ends use them.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const guide = join("..", "docs", "operations");
const out = join("build", "docs");
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const seen = new Set();
for (const page of readdirSync(guide).filter((name) => name.endsWith(".md")).sort()) {
  const text = readFileSync(join(guide, page), "utf8");
  for (const [, block] of text.matchAll(/```graphql\n([\s\S]*?)```/g)) {
    const named = block.match(/^\s*(query|mutation|subscription)\s+([A-Za-z_][A-Za-z0-9_]*)/);
    if (!named) continue; // an anonymous example: the schema test validates it, a generator needs a name
    if (seen.has(named[2])) throw new Error(`docs/operations: the operation name ${named[2]} is used twice`);
    seen.add(named[2]);
    writeFileSync(join(out, `${named[2]}.graphql`), block);
  }
}
console.log(`docs/operations: ${seen.size} named operations`);
