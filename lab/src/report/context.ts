/**
 * The machine and scenario a report was measured on, as labelled text lines
 * shared by the terminal and HTML reports.
 */

import type { MachineInfo, Scenario } from '../model/report-model.js';
import { plural } from './format.js';

export interface ContextLine {
  label: string;
  text: string;
}

export function machineLines(machine: MachineInfo): ContextLine[] {
  const load = machine.loadAverageAtStart.map((l) => l.toFixed(2)).join(' ');
  const appNode = machine.appNodeVersion === machine.nodeVersion
    ? `${machine.appNodeVersion} (lab and app)`
    : `${machine.nodeVersion} (lab), ${machine.appNodeVersion} (app)`;
  return [
    {
      label: 'machine',
      text: `${plural(machine.cores, 'core')}, ${machine.availableParallelism} available to Node (os.availableParallelism), `
        + `${machine.cpuModel}, ${machine.memoryGiB.toFixed(1)} GiB memory, ${machine.platform}`,
    },
    { label: 'node', text: appNode },
    ...(machine.cpuLimit === null ? [] : [{ label: 'CPU limit', text: `${machine.cpuLimit} CPUs per app container (nginx's replicas share it): the limit each figure is read against` }]),
    { label: 'load generator', text: machine.generator },
    ...(machine.ranOn === undefined ? [] : [{ label: 'ran on', text: machine.ranOn }]),
    { label: 'load average', text: `${load} (1, 5, 15 min) at start` },
    ...(machine.busyCoresAtStart === undefined || machine.busyCoresAtStart === null
      ? []
      : [{ label: 'busy at start', text: `${machine.busyCoresAtStart.toFixed(2)} of ${machine.availableParallelism} cores in use by every process in the second before the first run` }]),
  ];
}

export function scenarioLines(scenario: Scenario, repeat: number): ContextLine[] {
  const warmup = scenario.warmupRequests > 0 ? `; warm-up in windows of ${scenario.warmupRequests} requests per process until each one's CPU per request is steady, not counted` : '';
  return [
    {
      label: 'scenario',
      text: `GET ${scenario.path}: ${scenario.requests} requests over ${scenario.concurrency} `
        + `${scenario.keepAlive ? 'keep-alive' : 'non-keep-alive'} connections, timeout ${scenario.timeoutMs} ms${warmup}`,
    },
    {
      label: 'repetitions',
      text: repeat === 0
        ? "adaptive per mode (until the req/s 95% interval is within ±3%, 3–10 runs, or the time budget); req/s, p50, p99 and CPU are means over runs with their 95% interval, the rest the median run's"
        : `${plural(repeat, 'run')} per mode; req/s, p50, p99 and CPU are means over runs with their 95% interval, the rest the median run's`,
    },
  ];
}
