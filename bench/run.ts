/**
 * `npm run bench -- <area>`: runs bench/<area>.ts. Each area prints readable figures and, as
 * its last line, one JSON object with the keys its issue names (docs/architecture.md, "Benchmark output").
 */
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const areas = readdirSync(here)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts" && !f.startsWith("_"))
  .map((f) => f.slice(0, -3))
  .sort();

const area = process.argv[2];
if (!area || !areas.includes(area)) {
  console.error(`usage: npm run bench -- <area>   (areas: ${areas.join(", ")})`);
  process.exit(area ? 1 : 0);
}
const file = join(here, `${area}.ts`);
if (!existsSync(file)) throw new Error(`no benchmark ${file}`);
await import(pathToFileURL(file).href);
