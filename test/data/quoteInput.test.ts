import { describe, expect, it } from "vitest";
import { clipMessage, QUOTE_LIMIT, quoteInput } from "../../src/data";

describe("quoteInput", () => {
  it("quotes short input whole, with control characters escaped", () => {
    expect(quoteInput("SPY")).toBe('"SPY"');
    expect(quoteInput('a"b\u0000\n')).toBe('"a\\"b\\u0000\\n"');
  });

  it("cuts long input at QUOTE_LIMIT escaped characters and states the full length", () => {
    const quoted = quoteInput("x".repeat(9900));
    expect(quoted).toBe(`"${"x".repeat(QUOTE_LIMIT)}…" (9900 characters)`);
    // Escapes count against the limit and are never split.
    const escaped = quoteInput("\u0001".repeat(500));
    expect(escaped).toBe(`"${"\\u0001".repeat(20)}…" (500 characters)`);
  });

  it("clips a library message to its first line", () => {
    expect(clipMessage(`bad thing\n${"y".repeat(5000)}`)).toBe("bad thing");
    expect(clipMessage("z".repeat(5000))).toBe(`${"z".repeat(2 * QUOTE_LIMIT)}…`);
  });
});
