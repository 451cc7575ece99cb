/**
 * The set-up step's decisions, with no side effect: what is missing for a purpose,
 * whether this machine lets the lab install it without asking anyone (root or
 * passwordless sudo, and apt-get; the user has not said LAB_INSTALL=no), and the
 * one line that tells a user what to run where it does not.
 */
import { relative } from 'node:path';
import { paths } from '../paths.js';
import type { InstallPolicy } from '../config/install-policy.js';
import type { Host } from './host.js';
import { neededFor, type NodeRuntime, type OsPackage, type Purpose, type Requirement, suitePackagesOverride, type SuitePackages } from './requirements.js';

export type { InstallPolicy };

/** A missing requirement the lab will not install here, and what the user runs instead. */
export interface Blocked {
  readonly requirement: Requirement;
  /** Why the lab does not install it: "LAB_INSTALL=no". */
  readonly why: string;
  /** The exact command that installs it. */
  readonly command: string;
}

export interface SetupPlan {
  readonly purpose: Purpose;
  readonly missing: readonly Requirement[];
  /** Debian packages to install with apt-get, through `sudo -n` when not root. */
  readonly apt: { readonly packages: readonly OsPackage[]; readonly sudo: boolean } | null;
  /** Node 24 to install into its prefix with npm. */
  readonly nodeRuntime: NodeRuntime | null;
  /** Packages of another suite to unpack into lab folders, from this archive URI (no privilege needed). */
  readonly suitePackages: readonly { readonly requirement: SuitePackages; readonly archive: string }[];
  readonly blocked: readonly Blocked[];
}

export function isMissing(requirement: Requirement, host: Host): boolean {
  return requirement.files.some((file) => !host.isInstalled(file));
}

function aptCommand(packages: readonly OsPackage[], sudo: boolean): string {
  return `${sudo ? 'sudo ' : ''}apt-get install -y ${packages.map((p) => p.aptPackage).join(' ')}`;
}

function nodeRuntimeCommand(requirement: NodeRuntime): string {
  return `npm ci --prefix ${relative(paths.root, requirement.prefix) || '.'}`;
}

/** The command that unpacks a suite's packages: the lab's own set-up step, allowed to install. */
function suitePackagesCommand(purpose: Purpose): string {
  return `make setup PURPOSE=${purpose} LAB_INSTALL=auto`;
}

/** Why a suite's packages cannot be fetched and unpacked here, or the archive to fetch them from. */
function suitePackagesSource(host: Host, policy: InstallPolicy): { archive: string } | { why: string; fixable: boolean } {
  if (policy === 'no') return { why: 'LAB_INSTALL=no', fixable: true };
  for (const command of ['apt-get', 'dpkg-deb']) {
    if (!host.hasCommand(command)) return { why: `this machine (${host.platform}) has no ${command}`, fixable: false };
  }
  const archive = host.debianArchive();
  return 'uri' in archive ? { archive: archive.uri } : { why: archive.why, fixable: false };
}

/** Why apt-get cannot be used here without asking anyone, or null when it can. */
function aptBlocker(host: Host, policy: InstallPolicy): string | null {
  if (policy === 'no') return 'LAB_INSTALL=no';
  if (!host.hasCommand('apt-get')) return `this machine (${host.platform}) has no apt-get`;
  if (!host.isRoot() && !host.hasPasswordlessSudo()) return 'not root, and sudo asks for a password';
  return null;
}

export function planSetup(purpose: Purpose, all: readonly Requirement[], host: Host, policy: InstallPolicy): SetupPlan {
  const missing = neededFor(purpose, all).filter((r) => isMissing(r, host));
  const packages = missing.filter((r): r is OsPackage => r.kind === 'os-package');
  const runtimes = missing.filter((r): r is NodeRuntime => r.kind === 'node-runtime');
  const suites = missing.filter((r): r is SuitePackages => r.kind === 'suite-packages');
  const blocked: Blocked[] = [];

  let apt: SetupPlan['apt'] = null;
  if (packages.length > 0) {
    const blocker = aptBlocker(host, policy);
    const sudo = !host.isRoot();
    if (blocker === null) {
      apt = { packages, sudo };
    } else if (host.hasCommand('apt-get')) {
      for (const p of packages) blocked.push({ requirement: p, why: blocker, command: aptCommand([p], sudo) });
    } else {
      for (const p of packages) blocked.push({ requirement: p, why: blocker, command: `install ${p.name} with this machine's package manager` });
    }
  }

  let nodeRuntime: NodeRuntime | null = null;
  for (const r of runtimes) {
    if (host.platform !== r.platform) {
      blocked.push({ requirement: r, why: `its package runs on ${r.platform} only, this is ${host.platform}`, command: 'set NODE=/path/to/node (22.12 or later)' });
    } else if (policy === 'no') {
      blocked.push({ requirement: r, why: 'LAB_INSTALL=no', command: nodeRuntimeCommand(r) });
    } else {
      nodeRuntime = r;
    }
  }
  const suitePackages: SetupPlan['suitePackages'][number][] = [];
  for (const r of suites) {
    const source = suitePackagesSource(host, policy);
    if ('archive' in source) suitePackages.push({ requirement: r, archive: source.archive });
    else blocked.push({ requirement: r, why: source.why, command: source.fixable ? suitePackagesCommand(purpose) : suitePackagesOverride(r) });
  }
  return { purpose, missing, apt, nodeRuntime, suitePackages, blocked };
}

/** The one command that installs every blocked requirement, where one command can. */
function combinedCommand(blocked: readonly Blocked[]): string {
  const apt = blocked.filter((b) => b.requirement.kind === 'os-package' && b.command.includes('apt-get install'));
  const others = blocked.filter((b) => !apt.includes(b)).map((b) => b.command);
  const aptLine = apt.length === 0 ? [] : [aptCommand(apt.map((b) => b.requirement as OsPackage), apt[0]?.command.startsWith('sudo ') ?? false)];
  return [...aptLine, ...new Set(others)].map((c) => `\`${c}\``).join(', then ');
}

/** One line for everything a purpose lacks: what is missing, why the lab did not install it, what to run. */
export function blockedLine(blocked: readonly Blocked[]): string {
  const names = blocked.map((b) => `${b.requirement.name} (${b.requirement.enables})`).join(', ');
  const whys = [...new Set(blocked.map((b) => b.why))].join('; ');
  return `missing ${names}, not installed because ${whys}: run ${combinedCommand(blocked)}`;
}

/** One line for one requirement, where a topology says why it is unavailable. */
export function requirementLine(b: Blocked): string {
  const override = b.requirement.name === 'nginx' ? ', or set NGINX=/path/to/nginx'
    : b.requirement.kind === 'node-runtime' && !b.command.startsWith('set ') ? ', or set NODE=/path/to/node (22.12 or later)'
      : b.requirement.kind === 'suite-packages' && !b.command.startsWith('set ') ? `, or ${suitePackagesOverride(b.requirement)}` : '';
  return `${b.requirement.name} is not installed (${b.why}): run \`${b.command}\`${override}`;
}
