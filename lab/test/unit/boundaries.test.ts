/**
 * The lab's layout as a rule: native/, docker/ and kubernetes/ (manifests) are sibling runtimes that import only
 * from the core (everything else under lab/src), never from each other; the core never
 * imports a runtime; only cli.ts (parse and dispatch) knows both.
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

test('native/, docker/ and kubernetes/ import only from the core; the core imports neither; cli.ts dispatches to both', () => {
  const importRe = /^\s*(?:import|export)\s[^'"]*?from\s+'(\.{1,2}\/[^']+)'/gm;
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
  assert.deepEqual(declared.map((f) => relative(src, f)), ['report-model.ts']);
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
