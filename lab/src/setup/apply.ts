/**
 * Carries out a set-up plan: one line saying what is installed, apt-get, npm and
 * the suite packages' download run quietly (their output is shown only when they fail), and the services that
 * Debian's maintainer scripts start on install stopped again by their own init
 * scripts, so a packaged nginx or Prometheus never holds a port the lab needs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Host } from './host.js';
import type { SetupPlan } from './plan.js';
import type { OsPackage } from './requirements.js';
import { runQuietly as run, SetupError } from './run-command.js';
import { unpackSuitePackages } from './suite-packages.js';
import { inheritedEnv } from '../config/environment.js';

export { SetupError } from './run-command.js';

type Log = (line: string) => void;

/** apt-get, as root or through `sudo -n` (which never asks for a password). */
function aptGet(args: string[], sudo: boolean): void {
  const env = inheritedEnv({ DEBIAN_FRONTEND: 'noninteractive' });
  if (sudo) run('sudo', ['-n', 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args], { env });
  else run('apt-get', args, { env });
}

/** Whether an init script says the service runs (LSB: status exits 0 when running). */
function serviceRuns(service: string): boolean {
  const script = `/etc/init.d/${service}`;
  if (!existsSync(script)) return false;
  return spawnSync(script, ['status'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

/**
 * Stops what the package's maintainer scripts started, by the service's own means
 * (`service`, which asks systemd where it runs, else the init script), never by
 * process name.
 */
function stopStartedServices(packages: readonly OsPackage[], sudo: boolean, host: Host, log: Log): void {
  for (const p of packages) {
    if (p.service === undefined || !serviceRuns(p.service)) continue;
    const stop = host.hasCommand('service') ? ['service', p.service, 'stop'] : [`/etc/init.d/${p.service}`, 'stop'];
    const [command = '', ...args] = sudo ? ['sudo', '-n', ...stop] : stop;
    run(command, args);
    log(`setup: stopped the ${p.service} service the ${p.aptPackage} package started (the lab runs its own)`);
  }
}

function describe(plan: SetupPlan): string {
  const parts: string[] = [];
  if (plan.apt) parts.push(`${plan.apt.packages.map((p) => p.aptPackage).join(', ')} from the OS packages (apt-get${plan.apt.sudo ? ' via sudo' : ''})`);
  if (plan.nodeRuntime) parts.push(`${plan.nodeRuntime.name} into ${plan.nodeRuntime.prefix} (npm)`);
  for (const { requirement: r } of plan.suitePackages) {
    parts.push(`${r.debPackages.join(', ')} from Debian ${r.suite}'s packages into ${r.prefix} (apt-get download, dpkg-deb -x; the OS's own package is left alone)`);
  }
  return parts.join(' and ');
}

export function applySetup(plan: SetupPlan, host: Host, log: Log): void {
  if (!plan.apt && !plan.nodeRuntime && plan.suitePackages.length === 0) return;
  log(`setup: installing ${describe(plan)} (LAB_INSTALL=no would only report)`);
  if (plan.apt) {
    aptGet(['update', '-qq'], plan.apt.sudo);
    aptGet(['install', '-y', '-qq', '--no-install-recommends', ...plan.apt.packages.map((p) => p.aptPackage)], plan.apt.sudo);
    stopStartedServices(plan.apt.packages, plan.apt.sudo, host, log);
  }
  if (plan.nodeRuntime) {
    run('npm', ['ci', '--prefix', plan.nodeRuntime.prefix, '--no-audit', '--no-fund']);
  }
  for (const { requirement, archive } of plan.suitePackages) {
    const version = unpackSuitePackages(requirement, archive);
    log(`setup: ${requirement.name} ${version} is in ${requirement.prefix}`);
  }
  for (const r of [...(plan.apt?.packages ?? []), ...(plan.nodeRuntime ? [plan.nodeRuntime] : []), ...plan.suitePackages.map((s) => s.requirement)]) {
    const absent = r.files.filter((f) => !host.isInstalled(f));
    if (absent.length > 0) throw new SetupError(`${r.name} was installed but ${absent.join(', ')} is still missing`);
  }
}
