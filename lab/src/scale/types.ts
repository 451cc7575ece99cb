/** What `make scale` stores (results/scale.json) and reports. */
import type { MachineInfo, Scenario } from '../report-model.js';
import type { UslFit } from './usl.js';

export interface ScaleRun {
  workers: number;
  /** Median closed-loop throughput over the repetitions, requests/s. */
  rps: number;
  /** Every repetition's throughput. */
  runs: number[];
  p99Ms: number;
  errors: number;
  /** CPU milliseconds per request of the topology's processes (all roles), median run. */
  cpuPerRequestMs: number | null;
}

export interface ScaleReport {
  created: string;
  runtime: 'native';
  machine: MachineInfo;
  mode: string;
  title: string;
  scenario: Scenario;
  repeat: number;
  points: ScaleRun[];
  /** Null when fewer than three worker counts ran. */
  fit: UslFit | null;
  warnings: string[];
}
