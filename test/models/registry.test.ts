import { describe, expect, it } from "vitest";
import { createModel, modelSpecSchema } from "../../src/models/registry";

describe("model registry", () => {
  it("builds gbm and rf from config entries with defaults filled in", () => {
    const g = createModel({ kind: "gbm", params: { n_trees: 300, max_depth: 5, learning_rate: 0.05 } });
    expect(g.kind).toBe("gbm");
    expect(g.params.n_trees).toBe(300);
    expect((g.params as { lambda: number }).lambda).toBe(1);
    const r = createModel({ kind: "rf" });
    expect(r.kind).toBe("rf");
    expect(r.params.n_trees).toBe(100);
    expect(modelSpecSchema.parse({ kind: "rf", params: { n_trees: 200 } }).params).toMatchObject({
      n_trees: 200,
      max_features: "sqrt",
    });
  });

  it("names the bad field", () => {
    expect(() => createModel({ kind: "gbm", params: { max_depth: -2 } })).toThrow(/params\.max_depth/);
    expect(() => createModel({ kind: "rf", params: { n_tree: 5 } as never })).toThrow(/n_tree/);
    expect(() => createModel({ kind: "lstm" } as never)).toThrow(/kind/);
  });
});
