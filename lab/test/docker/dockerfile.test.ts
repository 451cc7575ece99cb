/** app/Dockerfile and .dockerignore, checked without a Docker engine: a linter and the lab's own rules. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { validate, ValidationCode } from 'dockerfile-utils';
import { APP_HEALTHCHECK, appCommand } from '../../src/docker/compose.js';
import { NODE_IMAGE } from '../../src/docker/images.js';
import { CONTAINER_APP_PORT, CONTAINER_METRICS_PORT, topology } from '../../src/topologies.js';
import { envPairs, execForm, parseDockerIgnore, parseInstructions, readDockerfile, root, type Instruction } from './helpers.js';

const dockerfileText = (): string => readFileSync(join(root, 'app', 'Dockerfile'), 'utf8');
const ignore = () => parseDockerIgnore(readFileSync(join(root, '.dockerignore'), 'utf8'));

test('dockerfile-utils lints app/Dockerfile clean (errors and warnings)', () => {
  const problems = validate(dockerfileText());
  assert.deepEqual(
    problems.map((d) => `line ${d.range.start.line + 1}: ${d.message}`),
    [],
  );
  // Not vacuous: it does flag a bad flag and an unknown instruction.
  const bad = validate('FROM node:24.0.0-slim\nHEALTHCHECK --intervall=5s CMD ["true"]\nRUNN echo\n');
  assert.deepEqual(bad.map((d) => d.code).sort(), [ValidationCode.UNKNOWN_HEALTHCHECK_FLAG, ValidationCode.UNKNOWN_INSTRUCTION].sort());
});

test('multi-stage on the pinned Node 24 LTS slim image, named stages, a final runtime stage', () => {
  const stages = readDockerfile();
  assert.deepEqual(stages.map((s) => s.name), ['build', 'runtime']);
  for (const s of stages) assert.equal(s.image, NODE_IMAGE, 'FROM is the image pinned in lab/src/docker/images.ts');
  assert.match(NODE_IMAGE, /^node:24\.\d+\.\d+-bookworm-slim$/);
});

function runs(instructions: Instruction[]): string[] {
  return instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
}

test('npm ci from the workspace lockfile, manifests copied before the sources (layer caching)', () => {
  for (const stage of readDockerfile()) {
    const firstRun = stage.instructions.findIndex((i) => i.keyword === 'RUN');
    const copiedBefore = stage.instructions
      .slice(0, firstRun)
      .filter((i) => i.keyword === 'COPY')
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    assert.ok(copiedBefore.includes('package-lock.json'), `${stage.name}: the lockfile before npm ci`);
    for (const src of copiedBefore) assert.match(src, /^(package\.json|package-lock\.json|[a-z0-9]+\/package\.json)$/, `${stage.name}: only manifests before npm ci (${src})`);
    for (const ws of ['app', 'lab', 'grafana', 'k6']) assert.ok(copiedBefore.includes(`${ws}/package.json`), `${stage.name}: ${ws}/package.json (npm ci checks every workspace)`);
    const ci = (runs(stage.instructions)[0] ?? '').replace(/^(--mount=type=secret,id=npm_extra_ca,required=false\s+)?if \[ -s \/run\/secrets\/npm_extra_ca \]; then export NODE_EXTRA_CA_CERTS=\/run\/secrets\/npm_extra_ca; fi;\s*/, '');
    assert.match(ci, /^npm ci /, `${stage.name}: npm ci, never npm install (the extra CA as a build secret only)`);
    assert.match(ci, /--ignore-scripts/);
  }
  const [build, runtime] = readDockerfile();
  assert.match(runs(build?.instructions ?? []).join('\n'), /npm run build --workspace app/);
  assert.match(runs(runtime?.instructions ?? [])[0] ?? '', /npm ci --omit=dev --workspace app /, 'production dependencies only');
  const allRuns = runs([...(build?.instructions ?? []), ...(runtime?.instructions ?? [])]).join('\n');
  assert.doesNotMatch(allRuns, /\b(apt-get|apk|curl|wget|npm install)\b/);
  assert.ok(!parseInstructions(dockerfileText()).some((i) => i.keyword === 'ADD'), 'COPY, not ADD');
});

test('runtime: NODE_ENV=production, non-root node user, the ports of topologies.ts, node fetch health check, node dist/server.js', () => {
  const runtime = readDockerfile()[1];
  assert.ok(runtime);
  const ins = runtime.instructions;
  const env: Record<string, string> = { PATH: '/usr/local/bin:/usr/bin:/bin' };
  for (const i of ins.filter((x) => x.keyword === 'ENV')) for (const [k, v] of envPairs(i.args, env)) env[k] = v;
  assert.equal(env['NODE_ENV'], 'production');
  const nodeEnvAt = ins.findIndex((i) => i.keyword === 'ENV' && /NODE_ENV=production/.test(i.args));
  assert.ok(nodeEnvAt < ins.findIndex((i) => i.keyword === 'RUN'), 'NODE_ENV set before npm ci');
  assert.equal(env['PORT'], String(CONTAINER_APP_PORT));
  assert.equal(env['METRICS_PORT'], String(CONTAINER_METRICS_PORT));
  assert.equal(env['HOST'], '0.0.0.0');
  assert.ok(env['PATH']?.startsWith('/lab/node_modules/.bin:'), 'pm2-runtime on PATH');
  const users = ins.filter((i) => i.keyword === 'USER');
  assert.equal(users[users.length - 1]?.args, 'node');
  const last = (k: string): Instruction | undefined => ins.filter((i) => i.keyword === k).pop();
  assert.equal(last('EXPOSE')?.args, String(CONTAINER_APP_PORT));
  assert.equal(last('WORKDIR')?.args, '/lab/app');
  for (const w of ins.filter((i) => i.keyword === 'WORKDIR')) assert.ok(w.args.startsWith('/'), 'absolute WORKDIR');
  const hc = last('HEALTHCHECK');
  assert.ok(hc);
  assert.deepEqual(execForm(hc.args.replace(/^CMD\s+/, '')), APP_HEALTHCHECK, 'the same check as docker-compose.yml');
  assert.deepEqual(execForm(last('CMD')?.args ?? ''), appCommand(topology('single')));
});

test('.dockerignore lets in exactly what the Dockerfile copies, and no node_modules, dist, .git or results', () => {
  const rules = ignore();
  for (const stage of readDockerfile()) {
    for (const copy of stage.instructions.filter((i) => i.keyword === 'COPY' && i.flags['from'] === undefined)) {
      for (const src of copy.args.split(/\s+/).slice(0, -1)) {
        assert.ok(existsSync(join(root, src)), `COPY ${src}: exists in the repository`);
        assert.ok(!rules.excludes(src), `COPY ${src}: not excluded by .dockerignore`);
      }
    }
  }
  for (const p of ['node_modules/express/package.json', 'app/node_modules/x', 'app/dist/server.js', 'app/src/node_modules/x', '.git/HEAD', 'results/compare.json', 'lab/src/cli.ts', 'grafana/dashboards/x.json', 'docker-compose.yml', 'app/test/x.test.ts']) {
    assert.ok(rules.excludes(p), `${p} stays out of the build context`);
  }
  assert.ok(!rules.excludes('app/src/server.ts'));
  assert.ok(rules.prunable('node_modules') && rules.prunable('.git') && !rules.prunable('app'));
});

const standin = (name: string): string => readFileSync(join(root, 'tools', 'docker', 'standins', `${name}.Dockerfile`), 'utf8');

test('the nginx and Prometheus stand-ins lint clean and take their package from sid, at an archive passed in, never named', () => {
  for (const [name, pkg] of [['nginx', 'nginx'], ['prometheus', 'prometheus']] as const) {
    const text = standin(name);
    assert.deepEqual(validate(text).map((d) => `${name} line ${d.range.start.line + 1}: ${d.message}`), []);
    const ins = parseInstructions(text);
    assert.deepEqual(ins.filter((i) => i.keyword === 'ARG').map((i) => i.args.split('=')[0]), ['BASE', 'DEBIAN_ARCHIVE', 'CHECK_VALID_UNTIL', 'VERSION_PREFIX'], `${name}: the archive comes in as a build arg`);
    assert.doesNotMatch(text, /:\/\//, `${name}: no archive URI written in the recipe`);
    const run = runs(ins).join('\n');
    assert.match(run, /Suites: sid\\n/, `${name}: a sid source`);
    assert.match(run, /Pin: release n=sid\\nPin-Priority: 100\\n/, `${name}: sid pinned below the base's suite`);
    assert.match(run, new RegExp(`install -y --no-install-recommends -t sid ${pkg}\\b`), `${name}: ${pkg} from sid`);
    assert.match(run, /install -y --no-install-recommends wget\s+&&/, `${name}: wget from the base's suite, before sid is the target`);
    assert.match(run, /"\$VERSION_PREFIX"\*\)/, `${name}: the build checks the version against the pinned line`);
  }
});

test('.ci/provision-docker passes the machine\'s own archive to the stand-ins and names no archive host', () => {
  const script = readFileSync(join(root, '.ci', 'provision-docker'), 'utf8');
  assert.match(script, /--build-arg "DEBIAN_ARCHIVE=\$uri"/);
  assert.match(script, /uri=\$\(debian_archive_uri\)/);
  assert.doesNotMatch(script.replace(/^#.*$/gm, ''), /https?:\/\//, 'no URI outside comments');
});
