/**
 * `wsp models list|show <name>`: the registry as the promotion left it: versions, aliases, the
 * promotion metric and each gate's verdict (docs/architecture.md, "Promotion").
 */
import type { Command } from "commander";
import { MlflowClient, ModelRegistry, tagRecord } from "../tracking";
import { pauseVersion, resumeVersion } from "../pipeline";
import { ensureMlflowServer } from "../services";

const ALIAS_ORDER = ["champion", "challenger"];

/** `champion=v3 challenger=v4 …`: the promotion aliases first, then the others by name. */
function aliasList(aliases: { alias: string; version: string }[]): string {
  const rank = (a: string): number => (ALIAS_ORDER.includes(a) ? ALIAS_ORDER.indexOf(a) : ALIAS_ORDER.length);
  return [...aliases]
    .sort((a, b) => rank(a.alias) - rank(b.alias) || a.alias.localeCompare(b.alias))
    .map((a) => `${a.alias}=v${a.version}`)
    .join(" ");
}

/** `name/version`, as `wsp models pause|resume` take it. */
function versionRef(ref: string): { name: string; version: string } {
  const m = /^(.+)\/(\d+)$/.exec(ref);
  if (!m) throw new Error(`'${ref}': expected <name>/<version>, e.g. spy-daily/3`);
  return { name: m[1], version: m[2] };
}

function when(ms: number | undefined): string {
  return ms ? new Date(Number(ms)).toISOString().slice(0, 16).replace("T", " ") : "";
}

export function registerModelsCommands(program: Command): void {
  const models = program.command("models").description("registered models: versions, aliases, promotion reasons");

  models
    .command("pause <name/version>")
    .description("stop the forecast service serving a version (it serves previous, or refuses with the reason)")
    .requiredOption("--reason <text>", "why: shown to every caller the service refuses")
    .action(async (ref: string, flags: { reason: string }) => {
      const { name, version } = versionRef(ref);
      const server = await ensureMlflowServer();
      await pauseVersion(new MlflowClient({ trackingUri: server.uri }), name, version, flags.reason);
      console.log(`${name}/${version} paused: ${flags.reason}`);
    });

  models
    .command("resume <name/version>")
    .description("serve a paused version again")
    .action(async (ref: string) => {
      const { name, version } = versionRef(ref);
      const server = await ensureMlflowServer();
      await resumeVersion(new MlflowClient({ trackingUri: server.uri }), name, version);
      console.log(`${name}/${version} resumed`);
    });

  models
    .command("list")
    .description("every registered model with its aliases and latest version")
    .action(async () => {
      const server = await ensureMlflowServer();
      const registry = new ModelRegistry(new MlflowClient({ trackingUri: server.uri }));
      const all = await registry.searchRegisteredModels();
      if (all.length === 0) console.log("no registered models");
      for (const m of all.sort((a, b) => a.name.localeCompare(b.name))) {
        const aliases = aliasList(m.aliases ?? []);
        const latest = (m.latest_versions ?? []).map((v) => Number(v.version)).reduce((a, b) => Math.max(a, b), 0);
        console.log(
          `${m.name}  latest v${latest}  ${aliases || "(no aliases)"}  updated ${when(m.last_updated_timestamp)}`,
        );
      }
    });

  models
    .command("show <name>")
    .description("versions of a registered model, newest first, with aliases, metrics and gate verdicts")
    .action(async (name: string) => {
      const server = await ensureMlflowServer();
      const registry = new ModelRegistry(new MlflowClient({ trackingUri: server.uri }));
      const model = await registry.getRegisteredModel(name);
      if (!model) throw new Error(`no registered model named "${name}" (see \`wsp models list\`)`);
      const aliases = aliasList(model.aliases ?? []);
      console.log(`${name}  ${aliases || "(no aliases)"}`);
      for (const listed of await registry.searchModelVersions(name)) {
        const v = (await registry.getModelVersion(name, listed.version)) ?? listed;
        const tags = tagRecord(v.tags);
        const metric = tags["wsp.metric"];
        const holdout = metric?.replace(/^oos_/, "holdout_");
        const values = [metric, holdout === metric ? undefined : holdout]
          .filter((k): k is string => k !== undefined && tags[`wsp.metric.${k}`] !== undefined)
          .map((k) => `  ${k}=${tags[`wsp.metric.${k}`]}`)
          .join("");
        const va = (v.aliases ?? []).length ? ` [${(v.aliases ?? []).join(", ")}]` : "";
        console.log(
          `\nv${v.version}${va}  ${v.status}  ${when(v.creation_timestamp)}  run ${v.run_id ?? "-"}  model ${tags["wsp.promote_model"] ?? "-"}${values}`,
        );
        if (v.description) console.log(v.description.replace(/^/gm, "  "));
      }
    });
}
