import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GbmModel } from "../../src/models/gbm";
import { featureMatrix, takeRows } from "../../src/models/matrix";
import { RfModel } from "../../src/models/rf";
import { loadModel, saveModel } from "../../src/models/serialise";
import { pick, spyFeatures, timeSplit } from "./spyFeatures";

const spy = spyFeatures();
const { train, test } = timeSplit(spy.X.nRows, 0.75);
const Xtr = takeRows(spy.X, train);
const Xte = takeRows(spy.X, test);

/** Loads the saved models in one fresh Node process (tsx) and returns each one's predictions. */
function predictInFreshProcess(dir: string, modelJsons: string[]): Float64Array[] {
  modelJsons.forEach((j, k) => {
    writeFileSync(join(dir, `model${k}.json`), j);
  });
  writeFileSync(join(dir, "x.bin"), Buffer.from(Xte.data.buffer, Xte.data.byteOffset, Xte.data.byteLength));
  writeFileSync(join(dir, "names.json"), JSON.stringify(Xte.names));
  const script = `
    import { readFileSync, writeFileSync } from "node:fs";
    import { loadModel } from "${join(process.cwd(), "src/models/serialise")}";
    const dir = ${JSON.stringify(dir)};
    const names = JSON.parse(readFileSync(dir + "/names.json", "utf8"));
    const buf = readFileSync(dir + "/x.bin");
    const data = new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    for (let k = 0; k < ${modelJsons.length}; k++) {
      const model = loadModel(readFileSync(dir + "/model" + k + ".json", "utf8"), names);
      const p = model.predictProba({ nRows: data.length / names.length, names, data });
      writeFileSync(dir + "/p" + k + ".bin", Buffer.from(p.buffer));
    }
  `;
  writeFileSync(join(dir, "predict.mts"), script);
  execFileSync(join(process.cwd(), "node_modules/.bin/tsx"), [join(dir, "predict.mts")], { stdio: "pipe" });
  return modelJsons.map((_, k) => {
    const out = readFileSync(join(dir, `p${k}.bin`));
    return new Float64Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength));
  });
}

describe("save / load", () => {
  it("gbm (binary and multiclass) and rf reproduce predictions bit for bit in a fresh process", async () => {
    const dir = mkdtempSync(join(tmpdir(), "models-"));
    const g = new GbmModel({ n_trees: 30, max_depth: 5, missing: "learn" });
    await g.fit(Xtr, pick(spy.bigMove, train));
    const g3 = new GbmModel({ n_trees: 10, max_depth: 3 });
    await g3.fit(Xtr, pick(spy.tercile, train));
    const r = new RfModel({ n_trees: 10, max_depth: 10 });
    await r.fit(Xtr, pick(spy.bigMove, train));
    const models = [g, g3, r];
    const jsons = models.map(saveModel);
    const fresh = predictInFreshProcess(dir, jsons);
    models.forEach((m, k) => {
      const here = m.predictProba(Xte);
      expect(fresh[k].length).toBe(here.length);
      expect(Buffer.from(fresh[k].buffer).equals(Buffer.from(here.buffer))).toBe(true);
      // In this process too, and the JSON is stable.
      const again = loadModel(jsons[k]);
      expect(again.predictProba(Xte)).toEqual(here);
      expect(saveModel(again)).toBe(jsons[k]);
      expect(again.kind).toBe(m.kind);
      expect(again.featureNames).toEqual(Xtr.names);
    });
  });

  it("refuses other feature names or order, other schema versions and malformed trees", async () => {
    const g = new GbmModel({ n_trees: 3, max_depth: 2 });
    await g.fit(Xtr, pick(spy.bigMove, train));
    const json = saveModel(g);
    const swapped = [...Xtr.names];
    [swapped[3], swapped[4]] = [swapped[4], swapped[3]];
    expect(() => loadModel(json, swapped)).toThrow(
      /loadModel: feature names differ .*order differs: ret_20 at 4 \(expected 3\), vol_5 at 3 \(expected 4\)/,
    );
    expect(() => loadModel(json, [...Xtr.names, "extra"])).toThrow(/unexpected: extra/);
    expect(() => loadModel(json, Xtr.names.slice(1))).toThrow(/missing: ret_1/);
    const loaded = loadModel(json, Xtr.names);
    expect(() => loaded.predictProba(featureMatrix(swapped, Xte.nRows, Xte.data))).toThrow(/order differs/);
    const obj = JSON.parse(json);
    expect(() => loadModel({ ...obj, schemaVersion: 2 })).toThrow(/schemaVersion 2 is not supported \(expected 1\)/);
    const broken = JSON.parse(json);
    broken.trees[1].left[0] = 0;
    expect(() => loadModel(broken)).toThrow(/trees\[1\] node 0 has children 0/);
    const short = JSON.parse(json);
    short.trees[0].value.pop();
    expect(() => loadModel(short)).toThrow(/trees\[0\]\.value has/);
    expect(() => loadModel({ ...obj, params: { max_depth: -1 } })).toThrow(/gbm params: max_depth/);
  });
});
