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
}
