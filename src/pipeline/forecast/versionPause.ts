/**
 * A paused version: one the forecast service must not serve, though its alias still names it (a
 * drift check's emergency, or an operator). Recorded as the version's tag `wsp.paused` holding the
 * reason, so every service and job sees it through the registry; the service then serves
 * `previous` or refuses with the reason, as it was started (`fallback`).
 */
import { type MlflowClient, ModelRegistry, tagRecord } from "../../tracking";

export const PAUSED_TAG = "wsp.paused";

export async function pauseVersion(client: MlflowClient, name: string, version: string, reason: string): Promise<void> {
  if (reason.trim() === "") throw new Error(`pause ${name}/${version}: give a reason (it is shown to every caller)`);
  await new ModelRegistry(client).setModelVersionTags(name, version, { [PAUSED_TAG]: reason });
}

export async function resumeVersion(client: MlflowClient, name: string, version: string): Promise<void> {
  await new ModelRegistry(client).deleteModelVersionTag(name, version, PAUSED_TAG);
}

/** The reason a version is paused, or null. */
export function pausedReason(tags: Parameters<typeof tagRecord>[0]): string | null {
  const reason = tagRecord(tags)[PAUSED_TAG];
  return reason ? reason : null;
}
