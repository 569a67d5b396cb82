/**
 * The authentication hook every route passes through. A route's `config.scope` says what it needs;
 * a route without one is public (the probes, the docs). It is an instance hook, and fastify runs
 * those before a route's own hooks, among them the rate limit's: the rate limit (keyed by the
 * token's name) and the handler see `req.principal`, and a 401 or 403 costs no rate.
 *
 * Log lines after the check carry the token's name (`token`), never the token.
 *
 * A server without tokens runs only if built with `allowAnonymous: true`: every request is then
 * the `anonymous` admin, which is safe only when no one else can connect, so such a server answers
 * loopback clients only (and startServer refuses a non-loopback host outright).
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { grants, type Principal, type Scope, SCOPES, type TokenSet } from "./auth";
import { ApiError } from "./httpErrors";

declare module "fastify" {
  interface FastifyContextConfig {
    /** The scope a route needs; absent on public routes. */
    scope?: Scope;
  }
  interface FastifyRequest {
    /** Who is calling; null on a public route. */
    principal: Principal | null;
  }
}

export type Access = { readonly kind: "tokens"; readonly tokens: TokenSet } | { readonly kind: "anonymous" };

const ANONYMOUS: Principal = { name: "anonymous", scopes: new Set(SCOPES) };

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/** RFC 6750 §3: every 401 names the scheme; a bad token says so. */
const CHALLENGE = 'Bearer realm="wsp"';

export function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (/^(::ffff:)?127\./.test(address) || address === "::1");
}

export function authHook(access: Access) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const needed = req.routeOptions.config.scope;
    if (needed === undefined) return;
    req.principal = principalOf(req, access);
    // The rest of the request's lines (fastify's "request completed" is the reply's) name the caller.
    reply.log = req.log = req.log.child({ token: req.principal.name });
    if (!grants(req.principal.scopes, needed)) {
      const held = [...req.principal.scopes].join("+");
      throw new ApiError(
        "forbidden",
        `this route needs scope ${needed}; token ${req.principal.name} has ${held}`,
        undefined,
        {
          "www-authenticate": `${CHALLENGE}, error="insufficient_scope", scope="${needed}"`,
        },
      );
    }
  };
}

function principalOf(req: FastifyRequest, access: Access): Principal {
  if (access.kind === "anonymous") {
    if (isLoopback(req.socket.remoteAddress)) return ANONYMOUS;
    throw new ApiError("forbidden", "this server has no API tokens and answers loopback clients only");
  }
  const header = req.headers.authorization;
  if (header === undefined) {
    throw new ApiError("unauthorized", "missing bearer token: send Authorization: Bearer <token>", undefined, {
      "www-authenticate": CHALLENGE,
    });
  }
  const token = BEARER.exec(header)?.[1];
  const principal = token === undefined ? null : access.tokens.authenticate(token);
  if (principal === null) {
    const why = token === undefined ? "expected Authorization: Bearer <token>" : "unknown token";
    throw new ApiError("unauthorized", why, undefined, { "www-authenticate": `${CHALLENGE}, error="invalid_token"` });
  }
  return principal;
}
