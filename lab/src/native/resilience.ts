/**
 * `lab resilience` on the native runtime: for each topology (MODE's list, always
 * with single, as compare), three rounds under the seed load, each on a freshly
 * started topology: a graceful stop, a rolling restart, a kill -9 of one worker.
 * One topology runs at a time, so no round shares the machine with another
 * topology's load. Writes results/resilience.{json,html} and prints the table.
 */
import { contextFor, requireBuiltApp, RunScope, unavailability, type NativeOptions } from './native-runtime.js';
import { paths } from '../paths.js';
import { formatResilienceTable } from '../report/resilience-terminal.js';
import { writeResilienceReport } from '../report/resilience-write.js';
import { modesWithSingle, topology, workerCount } from '../topologies.js';
import { describeFailures } from '../resilience/classify.js';
import { NativeTarget } from './resilience-target.js';
import { ROUND_KINDS } from '../resilience/rounds.js';
import { runRound } from '../resilience/run-round.js';
import { fmtMs, resilienceWarnings } from '../resilience/summary.js';
import { RESILIENCE_SCHEMA_VERSION, type ResilienceReport, type ResilienceTopology, type RoundResult } from '../resilience/types.js';

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

function roundLine(mode: string, r: RoundResult): string {
  return `${mode} ${r.kind}: sent ${r.sent}, answered ${r.answered}, failed ${describeFailures(r.failed)}, full strength ${fmtMs(r.fullStrengthMs)} ms; ${r.note}`;
}

export async function nativeResilience(options: NativeOptions, env?: Record<string, string>): Promise<ResilienceReport> {
  requireBuiltApp();
  const { scenario, machine, app } = contextFor(options);
  const scope = new RunScope();
  try {
    const topologies: ResilienceTopology[] = [];
    for (const mode of modesWithSingle(options.modes)) {
      const t = topology(mode);
      const workers = workerCount(t, options.workers);
      const reason = unavailability(mode, app, options.setup);
      if (reason) {
        log(`${mode}: unavailable: ${reason}`);
        topologies.push({ mode, title: t.title, workers, available: false, reason, rounds: [] });
        continue;
      }
      const target = new NativeTarget(mode, { workers: options.workers, node: options.node, ...(env ? { env } : {}) }, scope);
      const rounds: RoundResult[] = [];
      for (const kind of ROUND_KINDS) {
        const round = await runRound(target, kind, { scenario, log });
        log(roundLine(mode, round));
        rounds.push(round);
      }
      topologies.push({ mode, title: t.title, workers, available: true, reason: null, rounds });
    }
    const report: ResilienceReport = {
      schemaVersion: RESILIENCE_SCHEMA_VERSION,
      created: new Date().toISOString(),
      runtime: 'native',
      scenario,
      machine,
      topologies,
      warnings: resilienceWarnings(topologies),
    };
    process.stdout.write(`\n${formatResilienceTable(report)}\n`);
    const written = writeResilienceReport(report, paths.results);
    log(`wrote ${written.json} and ${written.html}`);
    return report;
  } finally {
    await scope.close();
  }
}
