/**
 * `npm run notebooks` starts JupyterLab, as whoever runs it: as root (a container, CI, a fresh
 * cloud machine) Jupyter refuses to start unless given --allow-root, which scripts/notebooks.mjs
 * adds exactly then. The server is started for real on a free port and asked for its API.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../setup/freePort";

let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill("SIGTERM");
});

describe("npm run notebooks (scripts/notebooks.mjs)", () => {
  it("starts JupyterLab whoever runs it, root included, and serves its API", async () => {
    const port = await freePort();
    const token = "wsp-notebooks-test";
    child = spawn(
      process.execPath,
      ["scripts/notebooks.mjs", "--no-browser", `--port=${port}`, `--IdentityProvider.token=${token}`],
      { cwd: process.cwd(), stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout?.on("data", (d) => (output += d));
    child.stderr?.on("data", (d) => (output += d));
    let exitCode: number | null = null;
    child.on("exit", (code) => (exitCode = code ?? 1));
    const deadline = Date.now() + 90_000;
    let status = 0;
    while (Date.now() < deadline && exitCode === null) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/status?token=${token}`);
        status = res.status;
        await res.arrayBuffer();
        if (status === 200) break;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(exitCode, output.slice(-2000)).toBeNull();
    expect(status, output.slice(-2000)).toBe(200);
    if (process.getuid?.() === 0) expect(output).not.toMatch(/Running as root is not recommended/);
  }, 120_000);
});
