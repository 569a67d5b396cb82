// Preloaded into the tslab kernel by scripts/tslab-kernel.sh: three fixes that make tslab 1.0.22
// load src/ the way tsx and tsc do, survive src/ changing under an open notebook, and start faster.
const Module = require("node:module");
const { dirname, relative, resolve } = require("node:path");

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
const replaced = new Set(["createWatchCompilerHost", "transpileModule"]);
for (const key of Object.keys(ts).filter((k) => !replaced.has(k))) {
  Object.defineProperty(patchedTs, key, { enumerable: true, get: () => ts[key] });
}
Object.defineProperty(patchedTs, "createWatchCompilerHost", {
  enumerable: true,
  value: (rootFiles, options, system, ...rest) =>
    withEsbuildModules(
      ts.createWatchCompilerHost(rootFiles, { ...options, strict: true }, singleTimerHost(system), ...rest),
    ),
});

// 4. src/ modules compiled by esbuild. tslab emits every src/ module a cell imports through
//    TypeScript (as an ES module, with its own cell transforms applied to it) and then converts
//    each one to CommonJS with a second TypeScript transpile: together about half of a kernel's
//    start, for the ~170 modules a notebook imports. Type checking stays TypeScript's; the code
//    of a src/ module comes from esbuild, straight from its .ts source to CommonJS, as tsx and
//    vitest compile src/ everywhere else (the project's tsconfig sets isolatedModules, so one file
//    at a time is exact). A cell's own code still goes through tslab's TypeScript path.
const esbuild = require(require.resolve("esbuild", { paths: [process.cwd()] }));
let writingCommonJs = false;
Object.defineProperty(patchedTs, "transpileModule", {
  enumerable: true,
  // tslab converts every emitted module to CommonJS; one esbuild wrote already is.
  value: (input, transpileOptions) =>
    writingCommonJs ? { outputText: input, diagnostics: [] } : ts.transpileModule(input, transpileOptions),
});
function moduleAsCommonJs(sourceFile) {
  return esbuild.transformSync(sourceFile.text, {
    loader: "ts",
    format: "cjs",
    target: "es2022",
    sourcefile: sourceFile.fileName,
    // Dynamic `import()` becomes `require`, as TypeScript emits it for CommonJS: tslab serves
    // src/ modules from memory through `require` only.
    supported: { "dynamic-import": false },
    tsconfigRaw: { compilerOptions: { useDefineForClassFields: true } },
  }).code;
}
function withEsbuildModules(host) {
  let afterProgramCreate = host.afterProgramCreate;
  Object.defineProperty(host, "afterProgramCreate", {
    get: () => afterProgramCreate,
    set: (callback) => {
      afterProgramCreate = (builder) => {
        const emit = builder.emit.bind(builder);
        builder.emit = (sourceFile, writeFile, ...rest) => {
          const isModule =
            sourceFile !== undefined &&
            /\.ts$/.test(sourceFile.fileName) &&
            !sourceFile.fileName.endsWith(".d.ts") &&
            !/(^|\/)__tslab__\.ts$/.test(sourceFile.fileName);
          if (!isModule) return emit(sourceFile, writeFile, ...rest);
          const { outDir, rootDir } = builder.getCompilerOptions();
          const output = resolve(outDir, relative(rootDir, sourceFile.fileName)).replace(/\.ts$/, ".js");
          const code = moduleAsCommonJs(sourceFile);
          writingCommonJs = true;
          try {
            writeFile(output, code, false, undefined, [sourceFile]);
          } finally {
            writingCommonJs = false;
          }
          return { emitSkipped: false, diagnostics: [] };
        };
        callback(builder);
      };
    },
  });
  return host;
}
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
