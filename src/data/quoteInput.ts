/**
 * How an error message quotes what a user gave it (a CSV field, a YAML value, a config key):
 * double-quoted with JSON escapes, so control characters and binary garbage show as `\u0012`
 * instead of reaching the terminal, and cut at QUOTE_LIMIT characters with the full length
 * stated, so a 10 kB garbage line does not flood the message.
 */

/** Characters of escaped input a message shows at most. */
export const QUOTE_LIMIT = 120;

/** `"text"`, escaped; longer input is cut: `"abc…" (9900 characters)`. */
export function quoteInput(text: string, limit = QUOTE_LIMIT): string {
  const chars = [...text];
  let shown = "";
  for (const ch of chars) {
    const escaped = JSON.stringify(ch).slice(1, -1);
    if (shown.length + escaped.length > limit) return `"${shown}…" (${chars.length} characters)`;
    shown += escaped;
  }
  return `"${shown}"`;
}

/**
 * A message from a library that may echo input (a YAML parser's), cut to its first line and
 * at most twice QUOTE_LIMIT characters.
 */
export function clipMessage(message: string, limit = 2 * QUOTE_LIMIT): string {
  const line = message.split("\n")[0];
  const chars = [...line];
  return chars.length <= limit ? line : `${chars.slice(0, limit).join("")}…`;
}
