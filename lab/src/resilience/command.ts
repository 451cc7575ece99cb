/**
 * `lab resilience`, whichever runtime runs the topologies: for each topology (MODE's
 * list, always with single, as compare), three rounds under the seed load: a
 * graceful stop, a rolling restart, a kill -9 of one worker. One topology runs at a
 * time, so no round shares the machine with another topology's load. Writes
 * results/resilience.{json,html} and prints the table. A runtime gives only what
 * differs: which topologies it can run, and a ResilienceTarget for each.
 */
import { locations } from '../config/environment.js';
import type { MachineInfo, RuntimeName, Scenario } from '../model/report-model.js';
import { formatResilienceTable } from '../report/resilience-terminal.js';
import { writeResilienceReport } from '../report/resilience-write.js';
import { modesWithSingle, topology, type Mode } from '../topologies.js';
import { needsAnotherRun, repeatVerdict } from './repeat.js';
import { runRound } from './run-round.js';
import { resilienceWarnings } from './summary.js';
import type { ResilienceTarget } from './target.js';
import { describeFailures, fmtMs, type RepeatVerdict, RESILIENCE_SCHEMA_VERSION, type ResilienceReport, type ResilienceTopology, ROUND_KINDS, type RoundResult } from '../model/resilience.js';

/** What one runtime lends the command. */
export interface ResilienceRuntime {
  name: RuntimeName;
  scenario: Scenario;
  machine: MachineInfo;
  /** Worker slots the topology has on this runtime. */
  workers(mode: Mode): number;
  /** Why the topology cannot run here, or null when it can. */
  unavailability(mode: Mode): Promise<string | null>;
  target(mode: Mode): ResilienceTarget;
  /** Releases what the run holds (also after a failure). */
  close(): Promise<void>;
}

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

function roundLine(mode: string, r: RoundResult): string {
  if (!r.verified) return `${mode} ${r.kind} run ${r.run}: NOT RUN, no figure: ${r.verification}`;
  return `${mode} ${r.kind} run ${r.run}: sent ${r.sent}, answered ${r.answered}, failed ${describeFailures(r.failed)}, full strength ${fmtMs(r.fullStrengthMs)} ms; ${r.note}`;
}

/** REPEAT=n runs every round exactly n times (no repeat rule); undefined: the repeat rule (repeat.ts). */
export async function resilience(runtime: ResilienceRuntime, modes: readonly Mode[] | undefined, repeat?: number, resultsDir = locations().results): Promise<ResilienceReport> {
  try {
    const topologies: ResilienceTopology[] = [];
    for (const mode of modesWithSingle(modes)) {
      const t = topology(mode);
      const workers = runtime.workers(mode);
      const reason = await runtime.unavailability(mode);
      if (reason) {
        log(`${mode}: unavailable: ${reason}`);
        topologies.push({ mode, title: t.title, workers, available: false, reason, rounds: [], repeats: [] });
        continue;
      }
      const target = runtime.target(mode);
      const rounds: RoundResult[] = [];
      const repeats: RepeatVerdict[] = [];
      for (const kind of ROUND_KINDS) {
        const runs: RoundResult[] = [];
        while (repeat === undefined ? needsAnotherRun(runs) : runs.length < repeat) {
          const round = await runRound(target, kind, { scenario: runtime.scenario, log, run: runs.length + 1 });
          log(roundLine(mode, round));
          runs.push(round);
        }
        const verdict = repeatVerdict(kind, runs);
        log(`${mode} ${verdict.text}`);
        rounds.push(...runs);
        repeats.push(verdict);
      }
      topologies.push({ mode, title: t.title, workers, available: true, reason: null, rounds, repeats });
    }
    const report: ResilienceReport = {
      schemaVersion: RESILIENCE_SCHEMA_VERSION,
      created: new Date().toISOString(),
      runtime: runtime.name,
      scenario: runtime.scenario,
      machine: runtime.machine,
      topologies,
      warnings: resilienceWarnings(topologies),
    };
    process.stdout.write(`\n${formatResilienceTable(report)}\n`);
    const written = writeResilienceReport(report, resultsDir);
    log(`wrote ${written.json} and ${written.html}`);
    return report;
  } finally {
    await runtime.close();
  }
}
