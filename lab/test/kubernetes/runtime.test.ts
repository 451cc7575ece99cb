/**
 * RUNTIME=kubernetes against a kubectl transcript (kubectl-transcript.json): no cluster
 * exists here, so the runtime's one kubectl function is a replay that checks every call
 * (its arguments, and the Job piped to `kubectl create -f -`) against the transcript in
 * order and answers with its output. The transcript says which outputs were recorded from
 * this machine's kubectl and which were written from kubectl's documented formats; the
 * runner JSON in its Job logs is real (the Jobs' commands run here against the real app).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import { bench } from '../../src/commands/bench.js';
import { compare } from '../../src/commands/compare.js';
import { EXIT_USAGE } from '../../src/exit-codes.js';
import type { Kubectl } from '../../src/kubernetes/kubectl.js';
import { kubernetesRuntime } from '../../src/kubernetes/kubernetes-runtime.js';
import { KUBERNETES_DIR } from '../../src/kubernetes/manifests.js';
import { kubernetesPreflight } from '../../src/kubernetes/preflight.js';
import type { Scenario } from '../../src/model/report-model.js';
import { paths } from '../../src/paths.js';
import { formatCompareTable } from '../../src/report/terminal.js';
import { readScenario } from '../../src/scenario-file.js';

const results = mkdtempSync(join(tmpdir(), 'lab-k8s-results-'));
// compare writes its reports into RESULTS_DIR (config/environment.ts reads it on first use).
process.env['RESULTS_DIR'] = results;

interface Call {
  argv: string[];
  stdinJob?: { mode: string; args: string[] };
  stdout: string;
  stderr: string;
  code: number;
  source: string;
}
interface Transcript {
  about: string[];
  ranOn: string;
  scenario: Pick<Scenario, 'requests' | 'concurrency' | 'warmupRequests' | 'steadyMinRequests'>;
  transcripts: Record<'compare' | 'failedJob' | 'noContext', Call[]>;
}

const file = join(paths.root, 'lab', 'test', 'kubernetes', 'kubectl-transcript.json');
const transcript = JSON.parse(readFileSync(file, 'utf8')) as Transcript;
const scenario: Scenario = { ...readScenario(), ...transcript.scenario };

/** The committed runner Job of a topology (deploy/kubernetes/jobs/). */
const committedJob = (mode: string): IJob => parse(readFileSync(join(paths.root, KUBERNETES_DIR, 'jobs', `runner-${mode}.yaml`), 'utf8')) as IJob;

/** A kubectl that replays `calls` in order; every difference is collected (close() swallows errors, so they are asserted after). */
function replay(calls: readonly Call[]): { kubectl: Kubectl; problems: string[]; left: () => number } {
  let next = 0;
  const problems: string[] = [];
  const kubectl: Kubectl = (args, stdin) => {
    const call = calls[next++];
    const said = `call ${next}: kubectl ${args.join(' ')}`;
    if (call === undefined) {
      problems.push(`${said}: not in the transcript`);
      return Promise.resolve({ stdout: '', stderr: 'not in the transcript', code: 1 });
    }
    if (JSON.stringify(args) !== JSON.stringify(call.argv)) problems.push(`${said}: expected kubectl ${call.argv.join(' ')}`);
    if (call.stdinJob === undefined) {
      if (stdin !== undefined) problems.push(`${said}: unexpected standard input`);
    } else {
      const job = JSON.parse(stdin ?? 'null') as IJob;
      const container = job.spec?.template.spec?.containers[0];
      if (JSON.stringify(container?.args) !== JSON.stringify(call.stdinJob.args)) problems.push(`${said}: the Job's runner arguments differ: ${JSON.stringify(container?.args)}`);
      // Everything but the runner's arguments is the committed Job of that topology.
      const expected = committedJob(call.stdinJob.mode);
      const [want, got] = [structuredClone(expected), structuredClone(job)];
      for (const j of [want, got]) delete j.spec?.template.spec?.containers[0]?.args;
      try {
        assert.deepEqual(got, want);
      } catch {
        problems.push(`${said}: the Job piped is not deploy/kubernetes/jobs/runner-${call.stdinJob.mode}.yaml (but for its args)`);
      }
    }
    return Promise.resolve({ stdout: call.stdout, stderr: call.stderr, code: call.code });
  };
  return { kubectl, problems, left: () => calls.length - next };
}

test('the transcript says it was not recorded from a cluster, and marks which outputs were recorded here', () => {
  const about = transcript.about.join(' ');
  assert.match(about, /NOT recorded from a cluster/);
  assert.match(transcript.ranOn, /^kubectl transcript replay, not a cluster/);
  const sources = new Set(Object.values(transcript.transcripts).flat().map((c) => c.source));
  assert.deepEqual([...sources].sort(), ["recorded: this machine's kubectl, no cluster", "written from kubectl's documented output"]);
});

test('compare: preflight, apply -k, rollout status per Deployment, then per topology a warm-up, a re-warm and a measured Job, each deleted before and after; the report says it was a replay', async () => {
  const { kubectl, problems, left } = replay(transcript.transcripts.compare);
  const lines: string[] = [];
  const context = await kubernetesPreflight(kubectl, 'kubectl');
  assert.equal(context.context, 'kind-lab');
  const runtime = kubernetesRuntime({ kubectl, context, ranOn: transcript.ranOn, log: (l) => lines.push(l) });
  const report = await compare(runtime, { scenario, repeat: 1, modes: ['cluster', 'reuseport'] });
  assert.deepEqual(problems, []);
  assert.equal(left(), 0, 'every call of the transcript was made');

  assert.equal(report.runtime, 'kubernetes');
  assert.match(report.machine.ranOn ?? '', /^kubectl transcript replay, not a cluster/);
  assert.match(report.machine.ranOn ?? '', /not measured behind nginx or a replicas Service/);
  assert.match(formatCompareTable(report), /\nran on: +kubectl transcript replay, not a cluster/);
  const html = readdirSync(results).find((f) => f.endsWith('.html'));
  assert.ok(html, 'the HTML report was written');
  assert.match(readFileSync(join(results, html), 'utf8'), /kubectl transcript replay, not a cluster/);

  // The figures are the runner's JSON read back from the measured Jobs' logs.
  const measuredLog = (name: string): { result: { rps: number; completed: number } } => {
    const log = transcript.transcripts.compare.find((c) => c.argv.includes('logs') && c.argv.includes(`job.batch/${name}`))?.stdout ?? '';
    return JSON.parse(log.slice(log.indexOf('--- lab-runner-json ---') + '--- lab-runner-json ---'.length)) as { result: { rps: number; completed: number } };
  };
  const single = report.modes.find((m) => m.mode === 'single');
  const cluster = report.modes.find((m) => m.mode === 'cluster');
  assert.equal(single?.available, true);
  assert.equal(single?.runsRps[0], Math.round(measuredLog('runner-single-m2b6t').result.rps * 10) / 10);
  assert.equal(cluster?.completed, measuredLog('runner-cluster-v9j4s').result.completed);
  assert.equal(cluster?.perWorker.length, 2, "cluster's two workers, read through its Service's worker ports");
  assert.ok(cluster?.intervals?.cpuPerRequestMs.value !== undefined && cluster.intervals.cpuPerRequestMs.value > 0, "the workers' CPU per request, from the Job's JSON");
  assert.equal(cluster?.warmUp?.stable !== undefined, true, 'the steady-state warm-up report, read back from the warm-up Job');
  const reuseport = report.modes.find((m) => m.mode === 'reuseport');
  assert.equal(reuseport?.available, false);
  assert.match(reuseport?.reason ?? '', /not in the Kubernetes manifests/);
  assert.ok(lines.some((l) => /topologies stay applied/.test(l)), lines.join('\n'));
});

test("bench: the same calls as compare's single part (the transcript's own calls, cut to one topology); its JSON says it was a replay", async () => {
  const calls = transcript.transcripts.compare;
  const cut = [
    ...calls.filter((c) => !c.argv.some((a) => /app-cluster|runner-cluster|mode=cluster/.test(a)) && c.stdinJob?.mode !== 'cluster' && !(c.argv.includes('delete') && !c.argv.some((a) => /mode=/.test(a)))),
    ...calls.slice(-1),
  ];
  assert.equal(cut.filter((c) => c.argv.includes('create')).length, 3, 'a warm-up, a re-warm and a measured Job');
  const { kubectl, problems, left } = replay(cut);
  const runtime = kubernetesRuntime({ kubectl, context: await kubernetesPreflight(kubectl, 'kubectl'), ranOn: transcript.ranOn, log: () => undefined });
  const before = new Set(readdirSync(results));
  const mode = await bench(runtime, 'single', { scenario, repeat: 1 });
  assert.deepEqual(problems, []);
  assert.equal(left(), 0);
  assert.equal(mode.runsRps.length, 1);
  const written = readdirSync(results).find((f) => !before.has(f) && f.endsWith('-single.json'));
  assert.ok(written, 'the bench JSON was written');
  const body = JSON.parse(readFileSync(join(results, written), 'utf8')) as { runtime: string; machine: { ranOn?: string } };
  assert.equal(body.runtime, 'kubernetes');
  assert.match(body.machine.ranOn ?? '', /^kubectl transcript replay, not a cluster/);
});

test('a runner Job that fails is one error naming it and the error line of its log; the runner Jobs are deleted', async () => {
  const { kubectl, problems, left } = replay(transcript.transcripts.failedJob);
  const runtime = kubernetesRuntime({ kubectl, context: await kubernetesPreflight(kubectl, 'kubectl'), ranOn: transcript.ranOn, log: () => undefined });
  await assert.rejects(
    compare(runtime, { scenario: { ...scenario, warmupRequests: 0 }, repeat: 1, modes: ['single'] }),
    (error: Error) => {
      assert.match(error.message, /^the runner Job job\.batch\/runner-single-b5m8q against single failed: .*Cannot find module/);
      assert.doesNotMatch(error.message, /\n/);
      return true;
    },
  );
  assert.deepEqual(problems, []);
  assert.equal(left(), 0, 'the last call deletes the runner Jobs');
  assert.deepEqual(transcript.transcripts.failedJob.at(-1)?.argv.slice(2, 5), ['delete', 'job', '-l']);
});

test('preflight: no current context is one line saying so and how to set one (recorded from this machine\'s kubectl)', async () => {
  const { kubectl, left } = replay(transcript.transcripts.noContext);
  await assert.rejects(kubernetesPreflight(kubectl, 'kubectl'), (error: Error) => {
    assert.equal(error.name, 'UsageError');
    assert.match(error.message, /^RUNTIME=kubernetes needs a current kubectl context: error: current-context is not set \(kubectl config use-context NAME/);
    return true;
  });
  assert.equal(left(), 0);
});

/** The caller's environment without the run variables a Kubernetes command refuses (CI sets NODE, for one). */
const { NODE: _node, WORKERS: _workers, MODE: _mode, ...callerEnv } = process.env;
const lab = (args: string[], env: Record<string, string>): ReturnType<typeof spawnSync> =>
  spawnSync(process.execPath, [join(paths.root, 'lab', 'dist', 'cli.js'), ...args], { encoding: 'utf8', env: { ...callerEnv, RESULTS_DIR: mkdtempSync(join(tmpdir(), 'lab-k8s-cli-')), ...env } });

test('the CLI: kubectl absent is one line and the usage exit code, nothing started; other commands are refused with what RUNTIME=kubernetes runs', () => {
  const absent = lab(['compare'], { RUNTIME: 'kubernetes', KUBECTL: '/nonexistent/kubectl' });
  assert.equal(absent.status, EXIT_USAGE);
  assert.equal(absent.stdout, '');
  assert.equal(absent.stderr, 'lab: RUNTIME=kubernetes needs kubectl: /nonexistent/kubectl was not found (install kubectl, or set KUBECTL to its path; docs/kubernetes.md)\n');
  for (const command of ['up', 'sweep', 'resilience', 'down']) {
    const refused = lab([command], { RUNTIME: 'kubernetes', KUBECTL: '/nonexistent/kubectl' });
    assert.equal(refused.status, EXIT_USAGE, command);
    assert.match(String(refused.stderr), new RegExp(`^lab: RUNTIME=kubernetes is not accepted by ${command}: with Kubernetes the lab runs compare and bench .*docs/kubernetes\\.md\\)\\n$`));
  }
  const workers = lab(['compare'], { RUNTIME: 'kubernetes', WORKERS: '3' });
  assert.equal(workers.status, EXIT_USAGE);
  assert.match(String(workers.stderr), /^lab: WORKERS=3 is not accepted by `compare` with RUNTIME=kubernetes/);
});
