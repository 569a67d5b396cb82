/** The outbox log on disk, without a server: torn tails, corrupt lines, artifact paths, locks. */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { listOutboxRuns, OutboxRun } from "../../src/tracking/index";
import { checkArtifactPath } from "../../src/tracking/outbox";

const dir = mkdtempSync(join(tmpdir(), "wsp-outbox-log-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function newRun(localId: string, startTime: number): OutboxRun {
  return OutboxRun.create(dir, { op: "start", localId, experiment: "e", runName: localId, tags: {}, startTime });
}

describe("outbox log", () => {
  it("ignores a torn last line, cuts it before appending, and names a corrupt line", () => {
    const run = newRun("local-a", 2);
    run.append({ op: "tags", tags: { a: "1" } });
    appendFileSync(run.entriesPath, '{"op":"tags","ta');
    const reread = new OutboxRun(run.dir);
    expect(reread.entries().map((e) => e.op)).toEqual(["start", "tags"]);
    reread.dropTornTail();
    reread.append({ op: "end", status: "KILLED", endTime: 3 });
    expect(new OutboxRun(run.dir).entries().map((e) => e.op)).toEqual(["start", "tags", "end"]);
    writeFileSync(run.entriesPath, `${readFileSync(run.entriesPath, "utf8")}not json\n{}\n`.replace("{}\n", ""));
    expect(() => new OutboxRun(run.dir).entries()).toThrow(/entries\.jsonl:4: not a JSON outbox entry/);
    // Listing still works: it reads only the start line.
    expect(listOutboxRuns(dir).map((r) => r.localId)).toEqual(["local-a"]);
  });

  it("lists runs oldest start first and locks them to one live process", () => {
    const b = newRun("local-b", 1);
    expect(listOutboxRuns(dir).map((r) => r.localId)).toEqual(["local-b", "local-a"]);
    // Locked by this (live) process since create: a replay must leave it alone.
    expect(b.tryLock()).toBe(false);
    b.unlock();
    expect(b.tryLock()).toBe(true);
    expect(b.tryLock()).toBe(false);
    writeFileSync(b.lockPath, "999999999\n");
    expect(b.tryLock()).toBe(true);
  });

  it("accepts only relative artifact paths inside the run", () => {
    expect(checkArtifactPath("model/./gbm/model.json")).toBe("model/gbm/model.json");
    for (const bad of ["", "/abs", "../up", "a/../../up", "dir/"]) expect(() => checkArtifactPath(bad)).toThrow();
  });
});
