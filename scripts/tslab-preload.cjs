// Preloaded into the tslab kernel by scripts/tslab-kernel.sh: three fixes that make tslab 1.0.22
// load src/ the way tsx and tsc do, and survive src/ changing under an open notebook.
const Module = require("node:module");
const { dirname } = require("node:path");

// 1. Strict type checking. tslab compiles with its own fixed options, without `strict`; without
//    strictNullChecks, zod 4 infers the keys of a refined object as optional, so code that passes
//    a parsed config to a typed function fails to compile in a notebook ("Property 'upper' is
//    optional in type ... but required in type ..."). The TypeScript module tslab uses is
//    swapped, in the require cache, for a copy whose createWatchCompilerHost adds `strict: true`,
//    the project's own setting.
//
// 3. One rebuild timer. tslab's compiler host holds a single pending timer and throws
//    "Unexpected pending rebuildTimer" when TypeScript asks for a second one, which it does when
//    a file appears in a watched folder (a colleague adds a file to src/) and then a cell runs: the
//    kernel is broken from then on. The host given to TypeScript here multiplexes TypeScript's
//    timers onto tslab's one and runs every due callback when tslab fires it.
function singleTimerHost(system) {
  const due = new Set();
  let underlying = null;
  let running = false;
  const flush = () => {
    running = true;
    try {
      // Callbacks may schedule more work; it runs in this same flush.
      while (due.size > 0) {
        const batch = [...due];
        due.clear();
        for (const timer of batch) timer.run();
      }
    } finally {
      running = false;
      underlying = null;
    }
  };
  const host = Object.create(system);
  host.setTimeout = (callback, _ms, ...args) => {
    const timer = { run: () => callback(...args) };
    due.add(timer);
    if (underlying === null && !running) underlying = system.setTimeout(flush);
    return timer;
  };
  host.clearTimeout = (timer) => {
    if (!due.delete(timer) || due.size > 0 || underlying === null) return;
    system.clearTimeout(underlying);
    underlying = null;
  };
  return host;
}

const tslabDir = dirname(require.resolve("tslab/package.json", { paths: [process.cwd()] }));
const tsPath = require.resolve("@tslab/typescript-for-tslab", { paths: [tslabDir] });
const ts = require(tsPath);
const patchedTs = {};
for (const key of Object.keys(ts).filter((k) => k !== "createWatchCompilerHost")) {
  Object.defineProperty(patchedTs, key, { enumerable: true, get: () => ts[key] });
}
Object.defineProperty(patchedTs, "createWatchCompilerHost", {
  enumerable: true,
  value: (rootFiles, options, system, ...rest) =>
    ts.createWatchCompilerHost(rootFiles, { ...options, strict: true }, singleTimerHost(system), ...rest),
});
require.cache[tsPath].exports = patchedTs;

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
