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
