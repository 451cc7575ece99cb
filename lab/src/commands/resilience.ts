/**
 * `lab resilience`, written once for every runtime that declares the resilience
 * capability: for each topology (MODE's list, always with single, as compare), three
 * rounds under the seed load: a graceful stop, a rolling restart, a kill -9 of one
 * worker. One topology runs at a time, so no round shares the machine with another
 * topology's load. Writes results/resilience.{json,html} and prints the table. A
 * runtime gives only what differs (core/runtime.ts, ResilienceCapability): the
 * machine as it states it, and a ResilienceTarget per topology.
 */
import type { RuntimeWith } from '../core/runtime.js';
import type { Scenario } from '../model/report-model.js';
import { describeFailures, fmtMs, type RepeatVerdict, RESILIENCE_SCHEMA_VERSION, type ResilienceReport, type ResilienceTopology, ROUND_KINDS, type RoundResult } from '../model/resilience.js';
import { renderResilienceHtml } from '../report/resilience-html.js';
import { formatResilienceTable } from '../report/resilience-terminal.js';
import { needsAnotherRun, repeatVerdict } from '../resilience/repeat.js';
import { runRound } from '../resilience/run-round.js';
import { resilienceWarnings } from '../resilience/summary.js';
import { modesWithSingle, topology, workerCount, type Mode } from '../topologies.js';
import { output } from './output.js';

export interface ResiliencePlan {
  scenario: Scenario;
  /** MODE's list (undefined: every mode); single always joins. */
  modes: readonly Mode[] | undefined;
  /** REPEAT=n runs every round exactly n times (no repeat rule); undefined: the repeat rule (resilience/repeat.ts). */
  repeat: number | undefined;
}

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

function roundLine(mode: string, r: RoundResult): string {
  if (!r.verified) return `${mode} ${r.kind} run ${r.run}: NOT RUN, no figure: ${r.verification}`;
  return `${mode} ${r.kind} run ${r.run}: sent ${r.sent}, answered ${r.answered}, failed ${describeFailures(r.failed)}, full strength ${fmtMs(r.fullStrengthMs)} ms; ${r.note}`;
}

export async function resilience(runtime: RuntimeWith<'resilience'>, plan: ResiliencePlan): Promise<ResilienceReport> {
  const { scenario, repeat } = plan;
  try {
    const machine = await runtime.resilience.machine();
    const topologies: ResilienceTopology[] = [];
    for (const mode of modesWithSingle(plan.modes)) {
      const t = topology(mode);
      const workers = workerCount(t, await runtime.workers());
      const reason = await runtime.resilience.unavailability(mode);
      if (reason) {
        log(`${mode}: unavailable: ${reason}`);
        topologies.push({ mode, title: t.title, workers, available: false, reason, rounds: [], repeats: [] });
        continue;
      }
      const target = await runtime.resilience.target(mode);
      const rounds: RoundResult[] = [];
      const repeats: RepeatVerdict[] = [];
      for (const kind of ROUND_KINDS) {
        const runs: RoundResult[] = [];
        while (repeat === undefined ? needsAnotherRun(runs) : runs.length < repeat) {
          const round = await runRound(target, kind, { scenario, log, run: runs.length + 1 });
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
      scenario,
      machine,
      topologies,
      warnings: resilienceWarnings(topologies),
    };
    output({ text: formatResilienceTable(report), name: 'resilience', data: report, html: renderResilienceHtml(report) });
    return report;
  } finally {
    await runtime.close();
  }
}
