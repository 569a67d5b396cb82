import { describe, expect, it } from "vitest";
import { MlflowError, proxiedArtifactRoot } from "../../src/tracking/index";

describe("proxiedArtifactRoot", () => {
  it("takes the path of mlflow-artifacts URIs, with or without an authority", () => {
    expect(proxiedArtifactRoot("mlflow-artifacts:/3/abc/artifacts")).toBe("3/abc/artifacts");
    expect(proxiedArtifactRoot("mlflow-artifacts://mlflow:5050/3/abc/artifacts/")).toBe("3/abc/artifacts");
  });

  it("refuses artifact stores the server does not proxy, saying how to fix it", () => {
    const err = (() => {
      try {
        return proxiedArtifactRoot("file:///tmp/mlruns/3/abc/artifacts");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(MlflowError);
    expect(String(err)).toMatch(
      /file:\/\/\/tmp\/mlruns\/3\/abc\/artifacts is not served by the tracking server.*--serve-artifacts/,
    );
  });
});
