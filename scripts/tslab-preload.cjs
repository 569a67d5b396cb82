// Preloaded into the tslab kernel by scripts/tslab-kernel.sh: two fixes that make tslab 1.0.22
// load src/ the way tsx and tsc do.
const Module = require("node:module");
const { dirname } = require("node:path");

// 1. Strict type checking. tslab compiles with its own fixed options, without `strict`; without
//    strictNullChecks, zod 4 infers every object key as optional (`undefined extends T` holds for
//    all T), so code that passes a parsed config to a typed function fails to compile in a
//    notebook ("Property 'upper' is optional in type ... but required in type ..."). The
//    TypeScript module tslab uses is swapped, in the require cache, for a copy whose
//    createWatchCompilerHost adds `strict: true`, the project's own setting.
const tslabDir = dirname(require.resolve("tslab/package.json", { paths: [process.cwd()] }));
const tsPath = require.resolve("@tslab/typescript-for-tslab", { paths: [tslabDir] });
const ts = require(tsPath);
const strictTs = {};
for (const key of Object.keys(ts).filter((k) => k !== "createWatchCompilerHost")) {
  Object.defineProperty(strictTs, key, { enumerable: true, get: () => ts[key] });
}
Object.defineProperty(strictTs, "createWatchCompilerHost", {
  enumerable: true,
  value: (rootFiles, options, ...rest) => ts.createWatchCompilerHost(rootFiles, { ...options, strict: true }, ...rest),
});
require.cache[tsPath].exports = strictTs;

// 2. Folder imports. tslab keeps the compiled src/ modules in memory and maps `require("../x")`
//    only to `../x.js`, never to `../x/index.js`, so a folder import such as `from "../data"`
//    fails with "Cannot find module '../data'". On that failure, retry the folder's index through
//    the module's own require, which tslab has wrapped to find its compiled outputs.
const original = Module.prototype.require;
Module.prototype.require = function requireWithFolderIndex(id) {
  try {
    return original.call(this, id);
  } catch (err) {
    const relative = typeof id === "string" && /^\.\.?(\/|$)/.test(id) && !id.endsWith("/index");
    const wrapped = typeof this.require === "function" && this.require !== Module.prototype.require;
    if (err?.code !== "MODULE_NOT_FOUND" || !relative || !wrapped) throw err;
    try {
      return this.require(`${id.replace(/\/$/, "")}/index`);
    } catch (retryErr) {
      if (retryErr?.code === "MODULE_NOT_FOUND") throw err;
      throw retryErr;
    }
  }
};
