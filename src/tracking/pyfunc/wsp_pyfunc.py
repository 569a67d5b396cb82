"""MLflow ``python_function`` loader for the workspace's exported models (gbm, rf, logistic and
their ensembles: weighted, or stacked by a logistic meta-model), shipped inside each logged model as ``code/wsp_pyfunc.py``.

Pure numpy: it reads the model directory the TypeScript runner wrote (``model.json``, for an
ensemble ``members/<name>/model.json``, and ``calibration.json``) and predicts what
``loadRegisteredModel(...).predictProba`` predicts, in the same order of floating-point
operations (trees summed in saved order, members blended in saved order), so the two agree to
rounding of ``exp``/``log``.

``predict`` takes a DataFrame with the model's feature columns (float; NaN is a missing value)
and, when the calibration was fitted per regime, a ``regime`` column (the regime id per row; NaN:
none). It returns one column per class probability: ``p_<class>`` (binary models: P(class 1) only).
"""

import json
import os

import numpy as np
import pandas as pd

SCHEMA_VERSION = 1
REGIME_COLUMN = "regime"
_CLIP = 1e-15
_LOG_EPS = 1e-12


def _read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _softmax_rows(m):
    m = m - m.max(axis=1, keepdims=True)
    e = np.exp(m)
    return e / e.sum(axis=1, keepdims=True)


class _TreeModel:
    def __init__(self, s):
        self.feature_names = list(s["featureNames"])
        self.link = s["link"]
        self.base = np.asarray(s["baseScore"], dtype=np.float64)
        self.tree_output = list(s["treeOutput"])
        self.missing = (s.get("params") or {}).get("missing", "learn")
        self.trees = [
            {
                "feature": np.asarray(t["feature"], dtype=np.int64),
                "threshold": np.asarray(t["threshold"], dtype=np.float64),
                "default_left": np.asarray(t["defaultLeft"], dtype=bool),
                "left": np.asarray(t["left"], dtype=np.int64),
                "right": np.asarray(t["right"], dtype=np.int64),
                "value": np.asarray(t["value"], dtype=np.float64),
            }
            for t in s["trees"]
        ]

    def _leaves(self, t, X):
        node = np.zeros(X.shape[0], dtype=np.int64)
        rows = np.arange(X.shape[0])
        while True:
            f = t["feature"][node]
            inner = f >= 0
            if not inner.any():
                return node
            r = rows[inner]
            n = node[inner]
            v = X[r, f[inner]]
            finite = np.isfinite(v)
            # As the kernel: x <= threshold goes left; NaN and +-Infinity follow the learned default.
            go_left = np.where(finite, v <= t["threshold"][n], t["default_left"][n])
            node[inner] = np.where(go_left, t["left"][n], t["right"][n])

    def predict_proba(self, X):
        if self.missing != "learn" and not np.isfinite(X).all():
            raise ValueError('non-finite feature values: this model was fitted with params.missing = "error"')
        k = self.base.shape[0]
        margin = np.tile(self.base, (X.shape[0], 1))
        for j, t in enumerate(self.trees):
            margin[:, self.tree_output[j]] += t["value"][self._leaves(t, X)]
        if self.link == "logit":
            return _sigmoid(margin[:, 0])
        if self.link == "identity":
            return np.clip(margin[:, 0], 0.0, 1.0)
        return _softmax_rows(margin) if k > 1 else margin[:, 0]


class _Logistic:
    def __init__(self, s):
        self.feature_names = list(s["featureNames"])
        self.n_classes = s["nClasses"]
        self.mean = np.asarray(s["mean"], dtype=np.float64)
        self.scale = np.asarray(s["scale"], dtype=np.float64)
        self.intercept = np.asarray(s["intercept"], dtype=np.float64)
        m = 1 if self.n_classes == 2 else self.n_classes
        self.coef = np.asarray(s["coef"], dtype=np.float64).reshape(m, len(self.feature_names))

    def predict_proba(self, X):
        if not np.isfinite(X).all():
            raise ValueError("non-finite feature values: the logistic model needs finite inputs")
        m = self.coef.shape[0]
        margin = np.empty((X.shape[0], m))
        for k in range(m):
            acc = np.full(X.shape[0], self.intercept[k])
            for j in range(X.shape[1]):
                acc += self.coef[k, j] * ((X[:, j] - self.mean[j]) / self.scale[j])
            margin[:, k] = acc
        return _sigmoid(margin[:, 0]) if m == 1 else _softmax_rows(margin)


def _load_member(s, where):
    if s.get("schemaVersion") != SCHEMA_VERSION:
        raise ValueError(f"{where}: schemaVersion {s.get('schemaVersion')} is not supported (expected {SCHEMA_VERSION})")
    kind = s.get("kind")
    if kind in ("gbm", "rf"):
        return _TreeModel(s)
    if kind == "logistic":
        return _Logistic(s)
    raise ValueError(f"{where}: kind {kind!r} has no python_function implementation (gbm, rf and logistic do)")


def _logit(p):
    q = np.minimum(np.maximum(p, _CLIP), 1 - _CLIP)
    return np.log(q / (1 - q))


def _platt(params, p):
    z = params["a"] * _logit(p) + params["b"]
    with np.errstate(over="ignore"):
        return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))


def _isotonic(params, p):
    x = np.asarray(params["x"], dtype=np.float64)
    y = np.asarray(params["y"], dtype=np.float64)
    m = len(x)
    if m == 1:
        return np.full(p.shape, y[0])
    lo = np.clip(np.searchsorted(x, p, side="right") - 1, 0, m - 2)
    hi = lo + 1
    slope = (y[hi] - y[lo]) / (x[hi] - x[lo])
    out = slope * (p - x[lo]) + y[lo]
    out = np.where(p <= x[0], y[0], out)
    return np.where(p >= x[m - 1], y[m - 1], out)


def _temperature(params, probs, binary):
    z = np.log(np.column_stack([1 - probs + _LOG_EPS, probs + _LOG_EPS])) if binary else np.log(probs + _LOG_EPS)
    beta = 1 / params["temperature"]
    e = np.exp(beta * z - (beta * z).max(axis=1, keepdims=True))
    out = e / e.sum(axis=1, keepdims=True)
    return out[:, 1] if binary else out


def _apply_fitted(method, params, probs, binary):
    if method == "temperature":
        return _temperature(params, probs, binary)
    one = _platt if method == "platt" else _isotonic
    if binary:
        return one(params["perClass"][0], probs)
    out = np.column_stack([one(params["perClass"][c], probs[:, c]) for c in range(probs.shape[1])])
    s = out.sum(axis=1, keepdims=True)
    k = probs.shape[1]
    return np.where(s > 0, out / np.where(s > 0, s, 1), 1 / k)


def _calibrate(cal, probs, regimes):
    if cal is None:
        return probs
    binary = cal["layout"] == "binary"
    out = _apply_fitted(cal["method"], cal["pooled"], probs, binary)
    for entry in cal.get("perRegime", []):
        rows = regimes == entry["regime"]
        if rows.any():
            out[rows] = _apply_fitted(cal["method"], entry["params"], probs[rows], binary)
    return out


def _classes_of(path):
    """Class names from the MLmodel's ``wsp`` flavor (the output columns' names), if present."""
    mlmodel = os.path.join(path, "MLmodel")
    if not os.path.exists(mlmodel):
        return None
    import yaml

    with open(mlmodel, encoding="utf-8") as f:
        classes = ((yaml.safe_load(f) or {}).get("flavors", {}).get("wsp", {}) or {}).get("classes")
    return [str(c) for c in classes] if isinstance(classes, list) else None


class WspModel:
    """What ``mlflow.pyfunc.load_model`` wraps: calibrated, blended class probabilities."""

    def __init__(self, path):
        record = _read_json(os.path.join(path, "model.json"))
        # Stacking ensembles blend through a logistic meta-model on the calibrated members'
        # probabilities (member-major columns); every other ensemble blends by member weight.
        combiner = record.get("combiner") if record.get("kind") == "ensemble" else None
        self.meta = _Logistic(combiner["meta"]) if combiner and combiner.get("kind") == "stacking" else None
        if record.get("kind") == "ensemble":
            self.members = [
                (m["name"], float(m["weight"]), _load_member(_read_json(os.path.join(path, m["path"])), m["path"]))
                for m in record["members"]
            ]
        else:
            self.members = [(record.get("kind"), 1.0, _load_member(record, "model.json"))]
        self.feature_names = self.members[0][2].feature_names
        for name, _, m in self.members:
            if m.feature_names != self.feature_names:
                raise ValueError(f"ensemble member {name} was fitted on other features than {self.members[0][0]}")
        cal_path = os.path.join(path, "calibration.json")
        self.calibrators = None
        self.per_regime = False
        if os.path.exists(cal_path):
            artifact = _read_json(cal_path)
            if artifact.get("order") != "calibrate_then_blend":
                raise ValueError(f"calibration.json: unknown order {artifact.get('order')!r}")
            saved = [m["calibrator"] for m in artifact["members"]]
            if len(saved) != len(self.members):
                raise ValueError(f"calibration.json holds {len(saved)} members, the model {len(self.members)}")
            self.calibrators = saved
            self.per_regime = any(c is not None and c.get("perRegime") for c in saved)
        self.classes = _classes_of(path)

    def predict_proba(self, X, regimes=None):
        if self.per_regime and regimes is None:
            raise ValueError(f"calibrated per regime: the input needs a {REGIME_COLUMN!r} column (regime id per row)")
        out = None
        stacked = []
        for i, (_, weight, model) in enumerate(self.members):
            p = model.predict_proba(X)
            if self.calibrators is not None:
                p = _calibrate(self.calibrators[i], p, regimes)
            stacked.append(p.reshape(X.shape[0], -1))
            out = weight * p if out is None else out + weight * p
        if self.meta is not None:
            return self.meta.predict_proba(np.column_stack(stacked))
        # A single member has weight 1 (1 * p == p): the blend is the identity there, as in TypeScript.
        return out

    def predict(self, model_input, params=None):
        df = model_input if isinstance(model_input, pd.DataFrame) else pd.DataFrame(model_input)
        missing = [c for c in self.feature_names if c not in df.columns]
        if missing:
            raise ValueError(f"input lacks {len(missing)} feature column(s): {', '.join(missing[:5])}")
        X = df[self.feature_names].to_numpy(dtype=np.float64)
        regimes = df[REGIME_COLUMN].to_numpy(dtype=np.float64) if REGIME_COLUMN in df.columns else None
        p = self.predict_proba(X, regimes)
        if p.ndim == 1:
            name = self.classes[1] if self.classes else "1"
            return pd.DataFrame({f"p_{name}": p}, index=df.index)
        names = self.classes or [str(c) for c in range(p.shape[1])]
        return pd.DataFrame(p, columns=[f"p_{c}" for c in names], index=df.index)


def _load_pyfunc(path):
    return WspModel(path)
