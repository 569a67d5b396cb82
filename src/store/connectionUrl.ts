/** PostgreSQL URLs as shown to users: never with the password. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    // Not a URL: show only what cannot be a secret.
    return url.replace(/:[^:@/]*@/, ":***@");
  }
}
