/**
 * API tokens: who may call what. Each token has a name (what logs, metrics and rate limits key
 * on; the token itself is never logged or echoed) and scopes:
 *
 * - `read`: the signal listing, the metrics and the monitoring page;
 * - `forecast`: the forecast routes, and everything `read` allows;
 * - `admin`: every route.
 *
 * Configuration, one of (both set is an error, as it is unclear which one is meant):
 *
 * - `WSP_API_TOKENS=name:scope1+scope2:token,…` (comma-separated entries);
 * - `WSP_API_TOKENS_FILE=/path`: the same entries one per line; blank lines and `#` comments skipped.
 *
 * A token is 32 to 512 characters of RFC 6750's token alphabet (letters, digits, `-._~+/`,
 * trailing `=`), e.g. `openssl rand -hex 32`; that alphabet has no `:` or `,`, so an entry splits
 * unambiguously. Names are unique (they key the rate limit), and so are tokens.
 *
 * Only the sha256 of each token is kept in memory; a presented token is hashed and compared with
 * every stored hash in constant time, without stopping at a match, so the time taken says nothing
 * about which token, or how much of one, matched.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";

export const SCOPES = ["read", "forecast", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

/** The scopes each scope includes. */
const INCLUDES: Readonly<Record<Scope, readonly Scope[]>> = {
  read: ["read"],
  forecast: ["forecast", "read"],
  admin: ["admin", "forecast", "read"],
};

export interface Principal {
  /** The token's name, or `anonymous` on a server without tokens. */
  readonly name: string;
  readonly scopes: ReadonlySet<Scope>;
}

/** Whether a holder of `scopes` may use a route that needs `needed`. */
export function grants(scopes: ReadonlySet<Scope>, needed: Scope): boolean {
  for (const s of scopes) if (INCLUDES[s].includes(needed)) return true;
  return false;
}

export interface TokenEntry {
  readonly name: string;
  readonly scopes: readonly Scope[];
  readonly token: string;
}

export class TokenConfigError extends Error {
  override readonly name = "TokenConfigError";
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const TOKEN = /^[A-Za-z0-9\-._~+/]{32,512}=*$/;

const sha256 = (text: string): Buffer => createHash("sha256").update(text, "utf8").digest();

export class TokenSet {
  private constructor(private readonly entries: readonly { principal: Principal; hash: Buffer }[]) {}

  static readonly EMPTY = new TokenSet([]);

  /** `where(i)` names entry i in an error (`WSP_API_TOKENS entry 2`); messages never quote a token. */
  static of(entries: readonly TokenEntry[], where: (i: number) => string = (i) => `token entry ${i + 1}`): TokenSet {
    const names = new Map<string, number>();
    const hashes = new Map<string, number>();
    const stored = entries.map((e, i) => {
      if (!NAME.test(e.name)) throw new TokenConfigError(`${where(i)}: name must be 1 to 64 of A-Z a-z 0-9 _ . -`);
      const dupName = names.get(e.name);
      if (dupName !== undefined) throw new TokenConfigError(`${where(i)}: name ${e.name} is also ${where(dupName)}'s`);
      names.set(e.name, i);
      if (e.scopes.length === 0) throw new TokenConfigError(`${where(i)} (${e.name}): no scopes`);
      if (!TOKEN.test(e.token)) {
        throw new TokenConfigError(
          `${where(i)} (${e.name}): the token must be 32 to 512 characters of A-Z a-z 0-9 - . _ ~ + / ` +
            `(then optional =), e.g. from \`openssl rand -hex 32\`; it has ${e.token.length}`,
        );
      }
      const hash = sha256(e.token);
      const dupToken = hashes.get(hash.toString("hex"));
      if (dupToken !== undefined)
        throw new TokenConfigError(`${where(i)} (${e.name}): same token as ${where(dupToken)}`);
      hashes.set(hash.toString("hex"), i);
      return { principal: { name: e.name, scopes: new Set(e.scopes) }, hash };
    });
    return new TokenSet(stored);
  }

  get size(): number {
    return this.entries.length;
  }

  /** The principal the token belongs to, or null. Compares with every stored hash (see above). */
  authenticate(token: string): Principal | null {
    const presented = sha256(token);
    let found: Principal | null = null;
    for (const e of this.entries) if (timingSafeEqual(presented, e.hash)) found = e.principal;
    return found;
  }
}

/** Entries of the `name:scope1+scope2:token` form; `where(i)` names entry i in errors. */
function parseTokenEntries(texts: readonly string[], where: (i: number) => string): TokenSet {
  const entries = texts.map((text, i): TokenEntry => {
    const first = text.indexOf(":");
    const second = text.indexOf(":", first + 1);
    if (first < 0 || second < 0) throw new TokenConfigError(`${where(i)}: expected name:scope1+scope2:token`);
    const name = text.slice(0, first).trim();
    const scopes = text
      .slice(first + 1, second)
      .split("+")
      .map((s) => s.trim());
    for (const s of scopes) {
      if (!(SCOPES as readonly string[]).includes(s)) {
        throw new TokenConfigError(`${where(i)} (${name}): unknown scope "${s}"; the scopes are ${SCOPES.join(", ")}`);
      }
    }
    return { name, scopes: scopes as Scope[], token: text.slice(second + 1).trim() };
  });
  return TokenSet.of(entries, where);
}

export const TOKENS_ENV = "WSP_API_TOKENS";
export const TOKENS_FILE_ENV = "WSP_API_TOKENS_FILE";

/** The tokens `env` configures (see above); an empty set when neither variable is set. */
export function tokensFromEnv(env: NodeJS.ProcessEnv = process.env): TokenSet {
  const inline = env[TOKENS_ENV]?.trim();
  const file = env[TOKENS_FILE_ENV]?.trim();
  if (inline && file) throw new TokenConfigError(`both ${TOKENS_ENV} and ${TOKENS_FILE_ENV} are set; set one`);
  // Empty entries (a trailing comma) are skipped; errors count entries as written.
  if (inline)
    return numberedEntries(
      inline.split(","),
      () => false,
      (n) => `${TOKENS_ENV} entry ${n}`,
    );
  if (file) return tokensFromFile(file);
  return TokenSet.EMPTY;
}

/** The tokens of a file: one entry a line; blank lines and `#` comments skipped; errors name the line. */
export function tokensFromFile(path: string): TokenSet {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new TokenConfigError(`${TOKENS_FILE_ENV} ${path}: cannot read it (${(err as NodeJS.ErrnoException).code})`);
  }
  return numberedEntries(
    text.split(/\r?\n/),
    (e) => e.startsWith("#"),
    (n) => `${path} line ${n}`,
  );
}

/** The entries among `parts` that are neither blank nor comments; `where(n)` names part n (1-based) as written. */
function numberedEntries(parts: string[], isComment: (entry: string) => boolean, where: (n: number) => string) {
  const kept = parts.flatMap((p, i) => {
    const entry = p.trim();
    return entry === "" || isComment(entry) ? [] : [{ entry, n: i + 1 }];
  });
  return parseTokenEntries(
    kept.map((k) => k.entry),
    (i) => where(kept[i].n),
  );
}
