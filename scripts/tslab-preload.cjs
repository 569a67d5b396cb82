// Preloaded into the tslab kernel by scripts/tslab-kernel.sh.
// tslab keeps the compiled src/ modules in memory and maps `require("../x")` only to `../x.js`,
// never to `../x/index.js`, so a folder import such as `from "../data"` fails in a notebook with
// "Cannot find module '../data'" although tsx and tsc accept it. On that failure this retries the
// folder's index through the module's own require, which tslab has wrapped to find its outputs.
const Module = require("node:module");

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
