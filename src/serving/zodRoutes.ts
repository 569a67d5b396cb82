/**
 * Routes declare zod schemas; fastify and @fastify/swagger see JSON Schema. `jsonSchema(z)` turns
 * a zod schema into the OpenAPI 3.0 JSON schema the route declares (the docs read it) and
 * remembers which zod schema it came from; the validator compiler finds that zod schema again and
 * validates with it, so a request passes exactly when the zod schema accepts it, and the route
 * gets zod's output (query strings turned into epoch ms and numbers, defaults filled in).
 *
 * Responses are serialized with JSON.stringify: fast-json-stringify, fastify's default with a
 * response schema, silently drops fields a schema does not name; here response schemas document.
 */
import type { FastifySchemaCompiler } from "fastify";
import { type core, z } from "zod";
import { ApiError } from "./httpErrors";

const ZOD_OF = new WeakMap<object, z.ZodType>();

/** The JSON schema of `schema` as a request (`input`) or response (`output`) carries it. */
export function jsonSchema(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: "openapi-3.0", io }) as Record<string, unknown>;
  ZOD_OF.set(json, schema);
  return json;
}

/** What a request part is called in a message when the whole of it is at fault. */
const PART_NAME: Readonly<Record<string, string>> = { body: "body", querystring: "query", params: "path" };

export const zodValidatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const zod = ZOD_OF.get(schema as object);
  if (!zod) throw new Error(`a ${httpPart} schema was not made by jsonSchema(): routes declare zod schemas only`);
  const part = PART_NAME[httpPart ?? ""] ?? String(httpPart);
  return (data: unknown) => {
    const result = zod.safeParse(data, { error: genericMessage });
    return result.success ? { value: result.data } : { error: requestError(result.error.issues, part, zod) };
  };
};

/** The one serializer: JSON as is (see above). */
export const jsonSerializerCompiler = () => (data: unknown) => JSON.stringify(data);

/** Messages for the issues a schema gives no message of its own. */
function genericMessage(iss: core.$ZodRawIssue): string | undefined {
  if (iss.code === "invalid_type") {
    if (iss.input === undefined) return "required";
    return `expected ${iss.expected === "object" ? "a JSON object" : iss.expected}, got ${describe(iss.input)}`;
  }
  return undefined;
}

function describe(input: unknown): string {
  if (input === null) return "null";
  if (Array.isArray(input)) return input.length === 1 ? "a list" : `a list of ${input.length}`;
  return typeof input === "string" ? "text" : typeof input;
}

/**
 * One 400 for all of a request's issues: each as `field: message`, joined by `; `; `field` is the
 * first one's (the body's field path, `tickers[3]`, or the parameter).
 */
function requestError(issues: readonly core.$ZodIssue[], part: string, schema: z.ZodType): ApiError {
  const described = issues.flatMap((iss) => describeIssue(iss, part, schema));
  return new ApiError("bad_request", described.map((d) => `${d.field}: ${d.message}`).join("; "), described[0].field);
}

/** An issue as `{ field, message }`; one per unknown key, so each is named. */
function describeIssue(iss: core.$ZodIssue, part: string, schema: z.ZodType): { field: string; message: string }[] {
  const at = fieldPath(iss.path);
  if (iss.code === "unrecognized_keys") {
    const known = schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
    const what = part === "query" ? "parameter" : "field";
    return iss.keys.map((key) => ({
      field: at === "" ? key : `${at}.${key}`,
      message: `unknown ${what}; the ${part} takes ${known.join(", ")}`,
    }));
  }
  return [{ field: at === "" ? part : at, message: iss.message }];
}

/** `["tickers", 3]` → `tickers[3]`. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (s, key) => (typeof key === "number" ? `${s}[${key}]` : s ? `${s}.${String(key)}` : String(key)),
    "",
  );
}
