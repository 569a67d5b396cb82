/**
 * MLflow REST shapes as the server sends them (snake_case, int64 timestamps as numbers or
 * strings): the client passes them through unchanged so nothing is lost in translation.
 */
export interface KeyValue {
  key: string;
  value: string;
}

export interface Experiment {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: "active" | "deleted";
  creation_time?: number;
  last_update_time?: number;
  tags?: KeyValue[];
}

export type RunStatus = "RUNNING" | "SCHEDULED" | "FINISHED" | "FAILED" | "KILLED";

export interface RunInfo {
  run_id: string;
  run_name?: string;
  experiment_id: string;
  status: RunStatus;
  start_time?: number;
  end_time?: number;
  artifact_uri: string;
  lifecycle_stage: "active" | "deleted";
}

export interface Metric {
  key: string;
  /** MLflow's JSON carries non-finite values as the strings "NaN", "Infinity", "-Infinity". */
  value: number | string;
  timestamp: number;
  step: number;
  /** Links the value to a logged model as well as to the run (MLflow 3). */
  model_id?: string;
}

export interface RunData {
  metrics?: Metric[];
  params?: KeyValue[];
  tags?: KeyValue[];
}

export interface Run {
  info: RunInfo;
  data: RunData;
}

export interface ArtifactFile {
  /** Path relative to the listed directory's root (the run's artifact root). */
  path: string;
  is_dir: boolean;
  file_size?: number;
}

/** A metric as callers log it; `timestamp` defaults to now, `step` to 0. */
export interface MetricInput {
  key: string;
  value: number;
  step?: number;
  timestamp?: number;
  /** A logged model the value also belongs to. */
  modelId?: string;
}

export type LoggedModelStatus = "LOGGED_MODEL_PENDING" | "LOGGED_MODEL_READY" | "LOGGED_MODEL_UPLOAD_FAILED";

/** An MLflow 3 logged model as the REST API returns it (`info` and `data`). */
export interface LoggedModel {
  info: {
    model_id: string;
    experiment_id: string;
    name: string;
    source_run_id?: string;
    status?: LoggedModelStatus | string;
    /** `mlflow-artifacts:/<exp>/models/<model_id>/artifacts` when the server proxies artifacts. */
    artifact_uri: string;
    model_type?: string;
    tags?: KeyValue[];
  };
  data?: { params?: KeyValue[]; metrics?: Metric[] };
}
