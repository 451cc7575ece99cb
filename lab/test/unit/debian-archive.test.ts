/**
 * Reading this machine's own Debian archive from its apt sources (the set-up step adds
 * the sid suite of that archive), and the version line Prometheus' binaries print.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { archiveUri, machineDebianArchive, osRelease } from '../../src/setup/debian-archive.js';
import { parseVersionLine } from '../../src/setup/binary-version.js';
import { suiteSource } from '../../src/setup/suite-packages.js';

const work = mkdtempSync(join(tmpdir(), 'lab-debian-archive-'));
after(() => rmSync(work, { recursive: true, force: true }));

const DEB822 = `Types: deb
URIs: http://security.invalid/debian-security
Suites: bookworm-security
Components: main

Types: deb-src
URIs: http://sources.invalid/debian
Suites: bookworm
Components: main

Types: deb
# a comment
URIs: http://archive.invalid/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
`;

test('deb822: the URI of the stanza serving the release suite with binary packages (not -security, not deb-src)', () => {
  assert.equal(archiveUri('bookworm', new Map([['/etc/apt/sources.list.d/debian.sources', DEB822]])), 'http://archive.invalid/debian');
  assert.equal(archiveUri('trixie', new Map([['/etc/apt/sources.list.d/debian.sources', DEB822]])), undefined);
  const disabled = DEB822.replace('Signed-By:', 'Enabled: no\nSigned-By:');
  assert.equal(archiveUri('bookworm', new Map([['a.sources', disabled]])), undefined, 'Enabled: no is skipped');
});

test('one-line entries: options in brackets and comments are skipped, deb-src is not a binary source', () => {
  const list = [
    '# deb http://commented.invalid/debian bookworm main',
    'deb-src http://sources.invalid/debian bookworm main',
    'deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://mirror.invalid/debian bookworm main contrib',
  ].join('\n');
  assert.equal(archiveUri('bookworm', new Map([['/etc/apt/sources.list', list]])), 'http://mirror.invalid/debian');
  assert.equal(archiveUri('bookworm', new Map([['/etc/apt/sources.list', '# nothing\n']])), undefined);
});

test('os-release: ID and VERSION_CODENAME, quoted or not', () => {
  assert.deepEqual(osRelease('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_CODENAME=bookworm\n'), { id: 'debian', codename: 'bookworm' });
  assert.deepEqual(osRelease('ID="ubuntu"\nVERSION_CODENAME=\'noble\'\n'), { id: 'ubuntu', codename: 'noble' });
  assert.deepEqual(osRelease(''), { id: undefined, codename: undefined });
});

test('the machine: a URI where Debian names its archive, else why not in one line', () => {
  const etc = join(work, 'etc');
  mkdirSync(join(etc, 'apt', 'sources.list.d'), { recursive: true });
  writeFileSync(join(etc, 'os-release'), 'ID=debian\nVERSION_CODENAME=bookworm\n');
  writeFileSync(join(etc, 'apt', 'sources.list.d', 'debian.sources'), DEB822);
  assert.deepEqual(machineDebianArchive(join(etc, 'os-release'), join(etc, 'apt')), { uri: 'http://archive.invalid/debian' });
  writeFileSync(join(etc, 'os-release'), 'ID=debian\nVERSION_CODENAME=trixie\n');
  assert.deepEqual(machineDebianArchive(join(etc, 'os-release'), join(etc, 'apt')), { why: `no apt source of ${join(etc, 'apt')} serves trixie` });
  writeFileSync(join(etc, 'os-release'), 'ID=fedora\n');
  assert.deepEqual(machineDebianArchive(join(etc, 'os-release'), join(etc, 'apt')), { why: `this machine is not Debian (ID=fedora in ${join(etc, 'os-release')})` });
});

test("this machine's own sources name an archive (the set-up step and .ci/provision-docker read the same)", () => {
  const own = machineDebianArchive();
  assert.ok('uri' in own, `no Debian archive on this machine: ${'why' in own ? own.why : ''}`);
  assert.match(own.uri, /^https?:\/\/\S+$/);
});

test('the sid source is deb822 for the same archive, checked with the Debian archive keyring', () => {
  assert.equal(
    suiteSource('http://archive.invalid/debian', 'sid'),
    'Types: deb\nURIs: http://archive.invalid/debian\nSuites: sid\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n',
  );
});

test("Prometheus' version line: the version word, nothing for anything else", () => {
  assert.equal(parseVersionLine('prometheus, version 3.5.3+ds1 (branch: debian/sid, revision: 3.5.3+ds1-6)\n  build user: x\n'), '3.5.3+ds1');
  assert.equal(parseVersionLine('promtool, version 2.42.0+ds (branch: debian/sid)'), '2.42.0+ds');
  assert.equal(parseVersionLine('nginx version: nginx/1.30.6'), undefined);
  assert.equal(parseVersionLine(''), undefined);
});
