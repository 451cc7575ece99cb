/**
 * The lab's layout as a rule: native/, docker/ and kubernetes/ (manifests) are sibling runtimes that import only
 * from the core (everything else under lab/src), never from each other nor from commands/;
 * the core never imports a runtime; only cli.ts (parse, choose the runtime, dispatch)
 * knows them, constructs them and calls commands/, which reach a runtime only through
 * its interface (core/runtime.ts). The reports read only their model (model/), which
 * imports no report, runtime or command.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { paths } from '../../src/paths.js';

const src = join(paths.root, 'lab', 'src');
const RUNTIMES = ['native', 'docker', 'kubernetes'];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

const folderOf = (file: string): string => relative(src, file).split('/')[0] ?? '';

const importRe = /^\s*(?:import|export)\s[^'"]*?from\s+'(\.{1,2}\/[^']+)'/gm;

/** Every relative import of the files under `folder`: [importer, imported], both relative to lab/src, imported as its .ts source. */
function importsOf(folder: string): [string, string][] {
  return files(join(src, folder)).flatMap(importsIn);
}

/** The relative imports of one file, as importsOf gives them. */
function importsIn(file: string): [string, string][] {
  return [...readFileSync(file, 'utf8').matchAll(importRe)].map((m): [string, string] => [relative(src, file), relative(src, resolve(dirname(file), m[1] ?? '')).replace(/\.js$/, '.ts')]);
}

/** The modules that run a command (print, write, log): nothing the reports or their model may import. */
const COMMAND_MODULES = ['cli.ts', 'mode-report.ts'];
const isCommand = (to: string): boolean => to.startsWith('commands/') || COMMAND_MODULES.includes(to);

test('native/, docker/ and kubernetes/ import only from the core; the core imports neither; cli.ts dispatches to both', () => {
  const broken: string[] = [];
  for (const file of files(src)) {
    const from = folderOf(file);
    for (const m of readFileSync(file, 'utf8').matchAll(importRe)) {
      const to = folderOf(resolve(dirname(file), m[1] ?? ''));
      if (!RUNTIMES.includes(to) || to === from) continue;
      if (relative(src, file) === 'cli.ts') continue;
      broken.push(`${relative(src, file)} imports ${m[1]}`);
    }
  }
  assert.deepEqual(broken, []);
});

test('the runtime name is declared once', () => {
  const declared = files(src).filter((f) => /'native' \| 'docker'/.test(readFileSync(f, 'utf8')));
  assert.deepEqual(declared.map((f) => relative(src, f)), ['model/report-model.ts']);
});

test('the environment is read by cli.ts and config/ only: every other module is handed its values', () => {
  // A script in a double-quoted string runs elsewhere (a container's health check): it reads that process's environment, not the lab's.
  const reads = files(src).filter((f) => {
    const where = relative(src, f);
    if (where === 'cli.ts' || folderOf(f) === 'config') return false;
    return readFileSync(f, 'utf8').replace(/"(?:[^"\\\n]|\\.)*"/g, '""').includes('process.env');
  });
  assert.deepEqual(reads.map((f) => relative(src, f)), []);
});

test('exit codes are named once (exit-codes.ts), never written as literals', () => {
  // Scripts in strings run elsewhere (a container's health check) and exit by their own rules.
  const literal = /process\.exit(?:Code\s*=\s*\d|\([^)\n]*\b\d)|return (?:130|143);/;
  const found = files(src).filter((f) => relative(src, f) !== 'exit-codes.ts' && literal.test(readFileSync(f, 'utf8').replace(/(["'`])(?:(?!\1)[^\\\n]|\\.)*\1/g, "''")));
  assert.deepEqual(found.map((f) => relative(src, f)), []);
});

test('the k6-mounted folder (shared/) imports nothing from the lab but types', () => {
  const importRe = /^\s*import\s+(?!type\s)[^'"]*?from\s+'(\.{1,2}\/[^']+)'/gm;
  const broken: string[] = [];
  for (const file of files(join(src, 'shared'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(importRe)) {
      if (folderOf(resolve(dirname(file), m[1] ?? '')) !== 'shared') broken.push(`${relative(src, file)} imports ${m[1]}`);
    }
  }
  assert.deepEqual(broken, []);
});

test('report/ reads only its model (model/) and the two tables every report labels from (topologies.ts, paths.ts)', () => {
  const allowed = (to: string): boolean => to.startsWith('model/') || to.startsWith('report/') || to === 'topologies.ts' || to === 'paths.ts';
  assert.deepEqual(importsOf('report').filter(([, to]) => !allowed(to)).map(([from, to]) => `${from} imports ${to}`), []);
});

test('model/ imports no report, no runtime and no command: the commands build it, the reports read it', () => {
  const banned = (to: string): boolean => ['report', 'native', 'docker', 'kubernetes', 'core'].includes(to.split('/')[0] ?? '') || isCommand(to);
  assert.deepEqual(importsOf('model').filter(([, to]) => banned(to)).map(([from, to]) => `${from} imports ${to}`), []);
});

test('commands/ reach a runtime only through its interface (core/runtime.ts): no runtime folder is imported', () => {
  const broken = importsOf('commands').filter(([, to]) => RUNTIMES.includes(to.split('/')[0] ?? ''));
  assert.deepEqual(broken.map(([from, to]) => `${from} imports ${to}`), []);
});

test('the runtimes never import a command: only cli.ts calls commands/', () => {
  const broken = RUNTIMES.flatMap((folder) => importsOf(folder)).filter(([, to]) => isCommand(to));
  const callers = files(src).filter((f) => folderOf(f) !== 'commands' && relative(src, f) !== 'cli.ts').flatMap(importsIn).filter(([, to]) => to.startsWith('commands/'));
  assert.deepEqual([...broken, ...callers].map(([from, to]) => `${from} imports ${to}`), []);
});

test('cli.ts is the one place that constructs a runtime (a runtime folder may hand it its own)', () => {
  const constructs = /\b(?:native|docker|swarm|kubernetes|k8s)Runtime\(/;
  const outside = files(src).filter((f) => relative(src, f) !== 'cli.ts' && !RUNTIMES.includes(folderOf(f)));
  const found = outside.filter((f) => constructs.test(readFileSync(f, 'utf8').replace(/export function \w+Runtime\(/g, '')));
  assert.deepEqual(found.map((f) => relative(src, f)), []);
});
