/** Public surface of the job runner (jobs/, beside the CLI): queues, connection, workers, submission, commands. */
export * from "./queues";
export * from "./connection";
export type { PhaseProgress } from "./processorKit";
export * from "./worker";
export * from "./submit";
export { type SweepSubmitOptions, submitSweep } from "./sweepFlow";
export { registerJobCommands } from "./cli";
export * from "./schedules";
export { reachableRedis, scheduleChampion } from "./promotionSchedule";
export { announceModelChange } from "./announce";
export { driftRetrainJobId, type DriftRetrainOptions, enqueueDriftRetrain } from "./driftRetrain";
export { startWorkerProcess, type WorkerProcess, type WorkerProcessOptions } from "./workerProcess";
export * from "./evaluateSchedule";
