/** The exporter's /metrics body in Prometheus' text format (version 0.0.4). */
import type { ProcessCpu } from './proc-table.js';

export const CPU_METRIC = 'lab_process_cpu_seconds_total';
export const PROCESSES_METRIC = 'lab_processes';

const escape = (value: string): string => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

function labels(p: ProcessCpu): string {
  const pairs: [string, string][] = [['mode', p.mode], ['worker', p.worker], ['pid', String(p.pid)]];
  if (p.replica !== '') pairs.push(['replica', p.replica]);
  return pairs.map(([k, v]) => `${k}="${escape(v)}"`).join(',');
}

export function renderMetrics(processes: readonly ProcessCpu[]): string {
  const lines = [
    `# HELP ${CPU_METRIC} User and system CPU time of each lab process, read from /proc/<pid>/stat outside the process (pid: a restarted worker is a new series).`,
    `# TYPE ${CPU_METRIC} counter`,
    ...processes.map((p) => `${CPU_METRIC}{${labels(p)}} ${p.cpuSeconds}`),
    `# HELP ${PROCESSES_METRIC} Lab processes of this stack the exporter found.`,
    `# TYPE ${PROCESSES_METRIC} gauge`,
    `${PROCESSES_METRIC} ${processes.length}`,
  ];
  return `${lines.join('\n')}\n`;
}
