/** The run's JSON out of a runner Job's log: everything after the marker line (manifests.ts' JOB_SCRIPT prints it). */
import { JSON_MARKER } from './manifests.js';

/** The text after the last marker line: the JSON file the runner wrote, as the Job printed it. */
export function jobJsonText(log: string): string {
  const lines = log.split('\n');
  const at = lines.lastIndexOf(JSON_MARKER);
  if (at < 0) throw new Error(`the Job's log has no line '${JSON_MARKER}': the runner failed before writing its JSON (see the log above it)`);
  return lines.slice(at + 1).join('\n');
}

export function jobJson(log: string): unknown {
  return JSON.parse(jobJsonText(log)) as unknown;
}
