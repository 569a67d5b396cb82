/**
 * A drift check's alert to a webhook (`WSP_ALERT_WEBHOOK` or the caller's URL): a small JSON POST
 * with a timeout. An alert is best effort: a receiver that is down, slow or answers an error is
 * reported to the caller (who logs it) and never fails the check that raised it, whose row and
 * run are the durable record.
 */

/** What the receiver gets. */
export interface DriftAlert {
  readonly model: string;
  readonly version: string;
  readonly verdict: "drift" | "emergency";
  readonly reasons: readonly string[];
  /** The check's MLflow run (null while the run is only in the outbox). */
  readonly run: string | null;
  /** The drift_monitoring row. */
  readonly checkId: number;
  /** ISO 8601. */
  readonly checkedAt: string;
}

export const ALERT_WEBHOOK_ENV = "WSP_ALERT_WEBHOOK";
/** Long enough for a chat service's webhook, short enough not to hold a scheduled job. */
export const ALERT_TIMEOUT_MS = 5_000;

export type AlertDelivery =
  | { readonly sent: true; readonly status: number }
  | { readonly sent: false; readonly error: string };

export async function postDriftAlert(
  url: string,
  alert: DriftAlert,
  timeoutMs = ALERT_TIMEOUT_MS,
): Promise<AlertDelivery> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(alert),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer();
    return res.ok ? { sent: true, status: res.status } : { sent: false, error: `${url} answered ${res.status}` };
  } catch (err) {
    const e = err as Error;
    const why = e.name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : e.message;
    return { sent: false, error: `${url}: ${why}` };
  }
}
