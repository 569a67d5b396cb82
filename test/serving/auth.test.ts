/**
 * API tokens: their configuration (environment, file, and the errors naming the entry without
 * ever quoting a token), their check, and the refusal to serve without tokens unless asked to,
 * and then only to loopback clients.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  buildServer,
  ServerConfigError,
  startServer,
  TokenConfigError,
  TokenSet,
  tokensFromEnv,
  tokensFromFile,
} from "../../src/serving";
import { createTestForecastService } from "./testForecastService";

const token = () => randomBytes(20).toString("hex");

/** The error `fn` throws, for its message. */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a throw");
}

describe("tokens from the environment", () => {
  it("reads name:scopes:token entries, comma-separated", () => {
    const [a, b] = [token(), token()];
    const set = tokensFromEnv({ WSP_API_TOKENS: `ci:forecast:${a}, grafana:read+forecast:${b},` });
    expect(set.size).toBe(2);
    expect(set.authenticate(a)).toEqual({ name: "ci", scopes: new Set(["forecast"]) });
    expect(set.authenticate(b)).toEqual({ name: "grafana", scopes: new Set(["read", "forecast"]) });
    expect(set.authenticate(a.slice(0, -1))).toBeNull();
    expect(set.authenticate(`${a}x`)).toBeNull();
    expect(set.authenticate("")).toBeNull();
  });

  it("reads a file: one entry a line, blank lines and # comments skipped", () => {
    const [a, b] = [token(), token()];
    const dir = mkdtempSync(join(tmpdir(), "wsp-tokens-"));
    const path = join(dir, "tokens");
    writeFileSync(path, `# the CI runner\nci:forecast:${a}\n\n  # ops\nops:admin:${b}\n`);
    const set = tokensFromEnv({ WSP_API_TOKENS_FILE: path });
    expect(set.authenticate(b)?.name).toBe("ops");
    expect(tokensFromFile(path).authenticate(a)?.name).toBe("ci");
  });

  it("is empty when neither variable is set", () => {
    expect(tokensFromEnv({}).size).toBe(0);
  });

  it("names the entry at fault and never quotes a token", () => {
    const secret = token();
    const cases: [NodeJS.ProcessEnv, string][] = [
      [
        { WSP_API_TOKENS: `ci:forecast:${secret}`, WSP_API_TOKENS_FILE: "/x" },
        "both WSP_API_TOKENS and WSP_API_TOKENS_FILE are set; set one",
      ],
      [{ WSP_API_TOKENS: `ok:read:${token()},${secret}` }, "WSP_API_TOKENS entry 2: expected name:scope1+scope2:token"],
      [
        { WSP_API_TOKENS: `ci:write:${secret}` },
        'WSP_API_TOKENS entry 1 (ci): unknown scope "write"; the scopes are read, forecast, admin',
      ],
      [
        { WSP_API_TOKENS: `ci::${secret}` },
        'WSP_API_TOKENS entry 1 (ci): unknown scope ""; the scopes are read, forecast, admin',
      ],
      [{ WSP_API_TOKENS: `c i:read:${secret}` }, "WSP_API_TOKENS entry 1: name must be 1 to 64 of A-Z a-z 0-9 _ . -"],
      [
        { WSP_API_TOKENS: `ci:read:${secret},ci:admin:${token()}` },
        "WSP_API_TOKENS entry 2: name ci is also WSP_API_TOKENS entry 1's",
      ],
      [
        { WSP_API_TOKENS: `ci:read:${secret},cd:admin:${secret}` },
        "WSP_API_TOKENS entry 2 (cd): same token as WSP_API_TOKENS entry 1",
      ],
    ];
    for (const [env, message] of cases) {
      const err = thrown(() => tokensFromEnv(env));
      expect(err).toBeInstanceOf(TokenConfigError);
      expect(err.message).toBe(message);
      expect(err.message).not.toContain(secret.slice(0, 8));
    }
  });

  it("refuses a short token or one outside the token alphabet, saying how to make one", () => {
    for (const bad of ["tooshort", `${token()}:x`, `${token()} tail`, `é${token()}`]) {
      const err = thrown(() => tokensFromEnv({ WSP_API_TOKENS: `ci:read:${bad}` }));
      expect(err.message).toMatch(
        /^WSP_API_TOKENS entry 1 \(ci\): the token must be 32 to 512 characters .*openssl rand -hex 32.*; it has \d+$/,
      );
      expect(err.message).not.toContain(bad);
    }
  });

  it("names a file's line, and a file it cannot read", () => {
    const dir = mkdtempSync(join(tmpdir(), "wsp-tokens-"));
    const path = join(dir, "tokens");
    writeFileSync(path, `# header\nci:read:${token()}\nops:root:${token()}\n`);
    expect(thrown(() => tokensFromFile(path)).message).toBe(
      `${path} line 3 (ops): unknown scope "root"; the scopes are read, forecast, admin`,
    );
    expect(thrown(() => tokensFromEnv({ WSP_API_TOKENS_FILE: join(dir, "missing") })).message).toBe(
      `WSP_API_TOKENS_FILE ${join(dir, "missing")}: cannot read it (ENOENT)`,
    );
  });
});

describe("a server without tokens", () => {
  const { service } = createTestForecastService();

  it("refuses to start unless allowAnonymous is passed, saying how to configure tokens", async () => {
    await expect(buildServer({ service, tokens: TokenSet.EMPTY, logger: false })).rejects.toThrow(
      new ServerConfigError(
        "no API tokens: set WSP_API_TOKENS=name:scope1+scope2:token,… or WSP_API_TOKENS_FILE (scopes read, forecast, admin), " +
          "or pass allowAnonymous: true for a loopback-only development server",
      ),
    );
  });

  it("refuses allowAnonymous beside tokens, and on a host other than the loopback", async () => {
    const tokens = TokenSet.of([{ name: "ci", scopes: ["read"], token: token() }]);
    await expect(buildServer({ service, tokens, allowAnonymous: true, logger: false })).rejects.toThrow(
      /^allowAnonymous is for a server without tokens/,
    );
    await expect(
      startServer({ service, tokens: TokenSet.EMPTY, allowAnonymous: true, logger: false, host: "0.0.0.0", port: 0 }),
    ).rejects.toThrow("allowAnonymous serves the loopback only; host 0.0.0.0 is not 127.0.0.1, ::1 or localhost");
  });

  it("with allowAnonymous, answers a loopback client without a token", async () => {
    const server = await startServer({ service, tokens: TokenSet.EMPTY, allowAnonymous: true, logger: false, port: 0 });
    try {
      const res = await fetch(`${server.url}/v1/forecast`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ticker: "SPY" }),
      });
      expect(res.status).toBe(200);
    } finally {
      await server.close();
    }
  });

  const external = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && !a.internal && a.family === "IPv4")?.address;

  // Needs a non-loopback interface to connect from; a machine without one cannot run it.
  it.skipIf(external === undefined)("with allowAnonymous, refuses a client that is not on the loopback", async () => {
    const app = await buildServer({ service, tokens: TokenSet.EMPTY, allowAnonymous: true, logger: false });
    try {
      await app.listen({ host: external, port: 0 });
      const port = (app.server.address() as { port: number }).port;
      const res = await fetch(`http://${external}:${port}/v1/signals`);
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({
        error: { code: "forbidden", message: "this server has no API tokens and answers loopback clients only" },
      });
    } finally {
      await app.close();
    }
  });
});
