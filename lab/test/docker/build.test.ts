/**
 * app/Dockerfile's build, performed without Docker: the build context is copied as
 * .dockerignore filters it, each stage's COPY, ENV, WORKDIR and RUN lines are
 * replayed (read from the Dockerfile, so the test follows it) in a folder standing
 * for the stage's filesystem, with Node 24 (the image's Node) first on PATH. The
 * result is then started with every app service's command and environment from
 * docker-compose.yml, on free ports, and must pass the image's own HEALTHCHECK and
 * serve the metrics the dashboard reads on the ports Prometheus scrapes.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join, posix } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { appServiceNames } from '../../src/docker/compose.js';
import {
  envPairs,
  execForm,
  freePortBlock,
  node24,
  parseDockerIgnore,
  readComposeFile,
  readDockerfile,
  root,
  runCommand,
  startGroup,
  withDefaults,
  type Stage,
  type Started,
} from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'lab-docker-build-'));
const started: Started[] = [];

after(async () => {
  await Promise.all(started.map((s) => s.stop()));
  rmSync(work, { recursive: true, force: true });
});

/** The build context: the repository as .dockerignore lets it through. */
function copyContext(dest: string): string[] {
  const rules = parseDockerIgnore(readFileSync(join(root, '.dockerignore'), 'utf8'));
  const copied: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!rules.prunable(path)) walk(path);
      } else if (!rules.excludes(path)) {
        mkdirSync(join(dest, rel), { recursive: true });
        cpSync(join(root, path), join(dest, path));
        copied.push(path);
      }
    }
  };
  walk('');
  return copied;
}

interface BuiltStage {
  name: string;
  /** The folder standing for the stage's `/`. */
  fs: string;
  /** WORKDIR, a container path. */
  cwd: string;
  env: Record<string, string>;
}

/** Node 24 first, then the host's npm (whose `#!/usr/bin/env node` thus runs on Node 24). */
const basePath = [dirname(node24), '/usr/local/bin', '/usr/bin', '/bin'].join(':');

/** What this machine needs to reach the npm registry (its CA, a proxy); nothing of the project's. */
function hostPlumbing(): Record<string, string> {
  const names = ['NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy'];
  return Object.fromEntries(names.flatMap((n) => (process.env[n] === undefined ? [] : [[n, process.env[n] ?? '']])));
}

/** The environment a process of the stage sees: PATH entries that exist in the stage's folder point there. */
function processEnv(stage: BuiltStage, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const path = (stage.env['PATH'] ?? basePath)
    .split(':')
    .map((p) => (p.startsWith('/') && existsSync(join(stage.fs, p)) ? join(stage.fs, p) : p))
    .join(':');
  return {
    ...hostPlumbing(),
    ...stage.env,
    PATH: path,
    HOME: process.env['HOME'] ?? homedir(),
    // npm works offline from a copy of the local cache (`npm cache clean` then cleans only the copy).
    npm_config_cache: join(work, 'npm-cache'),
    npm_config_prefer_offline: 'true',
    npm_config_update_notifier: 'false',
    ...extra,
  };
}

function copyInto(src: string, dest: string, destIsDir: boolean): void {
  if (statSync(src).isDirectory()) {
    cpSync(src, dest, { recursive: true });
  } else {
    const target = destIsDir ? join(dest, basename(src)) : dest;
    mkdirSync(dirname(target), { recursive: true });
    cpSync(src, target);
  }
}

async function buildStage(stage: Stage, context: string, built: Map<string, BuiltStage>, log: string[]): Promise<BuiltStage> {
  const name = stage.name ?? `stage${built.size}`;
  const state: BuiltStage = { name, fs: join(work, 'stages', name), cwd: '/', env: { PATH: basePath } };
  mkdirSync(state.fs, { recursive: true });
  for (const ins of stage.instructions) {
    switch (ins.keyword) {
      case 'WORKDIR':
        state.cwd = posix.resolve(state.cwd, ins.args);
        mkdirSync(join(state.fs, state.cwd), { recursive: true });
        break;
      case 'ENV':
        for (const [k, v] of envPairs(ins.args, state.env)) state.env[k] = v;
        break;
      case 'COPY': {
        const words = ins.args.split(/\s+/);
        const destArg = words.pop() ?? '';
        const dest = join(state.fs, posix.resolve(state.cwd, destArg));
        const from = ins.flags['from'];
        const sourceRoot = from === undefined ? context : built.get(from)?.fs;
        assert.ok(sourceRoot, `COPY --from=${from}: no such stage`);
        for (const src of words) {
          const source = join(sourceRoot, src);
          assert.ok(existsSync(source), `line ${ins.line}: COPY ${src}: not in the ${from === undefined ? 'build context (see .dockerignore)' : `stage ${from}`}`);
          copyInto(source, dest, destArg.endsWith('/') || words.length > 1);
        }
        break;
      }
      case 'RUN': {
        const argv = execForm(ins.args) ?? ['sh', '-c', ins.args];
        const started = Date.now();
        const res = await runCommand(argv[0] ?? 'sh', argv.slice(1), { cwd: join(state.fs, state.cwd), env: processEnv(state), timeoutMs: 480_000 });
        log.push(`${name}: RUN ${ins.args} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
        assert.equal(res.code, 0, `stage ${name}, line ${ins.line}: RUN ${ins.args} failed:\n${res.output.slice(-4000)}`);
        break;
      }
      default:
        // USER, EXPOSE, HEALTHCHECK, CMD: how the container runs, checked below and in dockerfile.test.ts.
        break;
    }
  }
  built.set(name, state);
  return state;
}

let runtime: BuiltStage;
const stages = readDockerfile();
const buildLog: string[] = [];

before(async () => {
  const context = join(work, 'context');
  const copied = copyContext(context);
  assert.ok(copied.includes('package-lock.json') && copied.some((p) => p.startsWith('app/src/')), 'the context holds the lockfile and the sources');
  assert.ok(!copied.some((p) => p.includes('node_modules/') || p.startsWith('.git/')), 'no node_modules or .git in the context');
  const cache = join(homedir(), '.npm', '_cacache');
  if (existsSync(cache)) cpSync(cache, join(work, 'npm-cache', '_cacache'), { recursive: true });
  const built = new Map<string, BuiltStage>();
  for (const stage of stages) runtime = await buildStage(stage, context, built, buildLog);
});

test('the runtime stage holds the compiled app and production dependencies only', (t) => {
  for (const line of buildLog) t.diagnostic(line);
  const lab = join(runtime.fs, 'lab');
  for (const f of ['app/dist/server.js', 'app/dist/primary.js', 'app/ecosystem.config.cjs', 'node_modules/express/package.json', 'node_modules/prom-client/package.json', 'node_modules/.bin/pm2-runtime']) {
    assert.ok(existsSync(join(lab, f)), `${f} is in the image`);
  }
  for (const dev of ['typescript', '@types/express', 'eslint', 'dclint']) {
    assert.ok(!existsSync(join(lab, 'node_modules', dev)), `${dev} (a dev or other workspace's dependency) is not in the image`);
  }
  assert.ok(!existsSync(join(lab, 'app', 'src')), 'no TypeScript sources in the image');
  assert.equal(runtime.cwd, '/lab/app');
  assert.equal(runtime.env['NODE_ENV'], 'production');
});

/** Metric names the dashboard's app panels read, from the generated dashboard. */
function dashboardAppMetrics(): string[] {
  const dashboard = JSON.parse(readFileSync(join(root, 'grafana', 'dashboards', 'nodejs-clustering-lab.json'), 'utf8')) as {
    panels: { targets?: { expr: string }[] }[];
  };
  const names = new Set<string>();
  for (const p of dashboard.panels) for (const t of p.targets ?? []) for (const m of t.expr.matchAll(/\b([a-z_:][a-z0-9_:]*)\{/g)) names.add(m[1] ?? '');
  // k6's, the lab runner's and the lab's /proc exporter's series are not the app's to expose.
  return [...names].filter((n) => !n.startsWith('k6_') && !n.startsWith('lab_'));
}

async function get(url: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, text: await res.text() };
}

/** GET, retried while nothing listens yet: the health check passes once one worker serves, the others may still start. */
async function getWhenUp(url: string, timeoutMs = 30_000): Promise<{ status: number; text: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await get(url);
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`GET ${url}: ${String(error)}`);
      await sleep(250);
    }
  }
}

async function waitHealthy(service: string, proc: Started, env: NodeJS.ProcessEnv): Promise<void> {
  const hc = stages[stages.length - 1]?.instructions.filter((i) => i.keyword === 'HEALTHCHECK').pop();
  const argv = execForm(hc?.args.replace(/^CMD\s+/, '') ?? '') ?? [];
  assert.ok(argv.length > 0, 'the image has an exec-form HEALTHCHECK');
  const deadline = Date.now() + 60_000;
  for (;;) {
    assert.equal(proc.child.exitCode, null, `${service} exited during start:\n${proc.output().slice(-3000)}`);
    const res = await runCommand(argv[0] ?? 'node', argv.slice(1), { cwd: join(runtime.fs, runtime.cwd), env, timeoutMs: 5000 });
    if (res.code === 0) return;
    assert.ok(Date.now() < deadline, `${service}: the HEALTHCHECK still fails after 60 s:\n${proc.output().slice(-3000)}`);
    await sleep(300);
  }
}

for (const name of appServiceNames()) {
  test(`${name}: its compose command starts from the built image, passes the HEALTHCHECK, serves the dashboard's metrics`, async () => {
    const service = readComposeFile().services[name];
    assert.ok(service?.command);
    const composeEnv = Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, withDefaults(v)]));
    const workers = Number(composeEnv['WORKERS']);
    const mode = composeEnv['LAB_MODE'] ?? '';
    const multi = service.command.join(' ') !== 'node dist/server.js';
    const serving = multi ? workers : 1;
    const hasPrimary = service.command.join(' ') === 'node dist/primary.js';
    const [port, metrics] = await Promise.all([freePortBlock(1), freePortBlock(workers + 1)]);
    const env = processEnv(runtime, {
      ...composeEnv,
      // Loopback here; the container listens on HOST=0.0.0.0.
      HOST: '127.0.0.1',
      PORT: String(port),
      METRICS_PORT: String(metrics),
      PM2_HOME: join(work, `pm2-${name}`),
    });
    const [command = '', ...args] = service.command;
    const proc = startGroup(command, args, { cwd: join(runtime.fs, runtime.cwd), env });
    started.push(proc);
    try {
      await waitHealthy(name, proc, env);
      const heavy = await get(`http://127.0.0.1:${port}/heavy?n=1000`);
      assert.equal(heavy.status, 200, `GET /heavy?n=1000: ${heavy.text}`);
      // Prometheus' targets: worker i on METRICS_PORT + i, the cluster primary right after.
      let exposition = '';
      for (let i = 0; i < serving; i++) {
        const m = await getWhenUp(`http://127.0.0.1:${metrics + i}/metrics`);
        assert.equal(m.status, 200);
        assert.match(m.text, new RegExp(`process_cpu_seconds_total\\{[^}]*mode="${mode}"`), `worker ${i}: mode label ${mode}`);
        assert.match(m.text, new RegExp(`worker="${i}"`), `worker ${i} on METRICS_PORT + ${i}`);
        exposition += m.text;
      }
      if (hasPrimary) {
        const m = await getWhenUp(`http://127.0.0.1:${metrics + workers}/metrics`);
        assert.match(m.text, /cluster_workers_alive\{[^}]*\} 2/, 'the primary reports its workers');
        exposition += m.text;
      }
      assert.match(exposition, /http_request_duration_seconds_count\{[^}]*route="\/heavy"/);
      for (const metric of dashboardAppMetrics()) {
        if (metric.startsWith('cluster_') && !hasPrimary) continue;
        assert.ok(exposition.includes(`${metric}{`), `${name} exposes ${metric}, which the dashboard reads`);
      }
    } finally {
      await proc.stop();
    }
    assert.notEqual(proc.child.exitCode ?? proc.child.signalCode, null, `${name} stopped`);
  });
}
