/**
 * Fetches packages of another suite of this machine's Debian archive and unpacks them
 * into a lab folder, installing nothing into the OS: `apt-get update` and `apt-get
 * download` with a temporary source list, lists and cache (the machine's own apt
 * configuration otherwise applies), then `dpkg-deb -x` into a staging folder that
 * replaces the lab folder whole once every package is unpacked and the binary's
 * version is the expected one. Needs no privilege: everything it writes is the lab's.
 */
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { paths } from '../paths.js';
import { binaryVersion } from './binary-version.js';
import { suitePackagesOverride, type SuitePackages } from './requirements.js';
import { runQuietly, SetupError } from './run-command.js';

function run(command: string, args: string[], cwd: string): void {
  runQuietly(command, args, { cwd });
}

/** A deb822 source of `suite` at `archive`, checked with Debian's archive keyring. */
export function suiteSource(archive: string, suite: string): string {
  return `Types: deb\nURIs: ${archive}\nSuites: ${suite}\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n`;
}

/** Fetches and unpacks `r`'s packages from `archive`; returns the version its binary says. */
export function unpackSuitePackages(r: SuitePackages, archive: string): string {
  const work = mkdtempSync(join(tmpdir(), `lab-${r.suite}-`));
  const staging = `${r.prefix}.partial`;
  try {
    const sources = join(work, `${r.suite}.sources`);
    writeFileSync(sources, suiteSource(archive, r.suite));
    for (const dir of ['parts', 'lists/partial', 'cache/archives/partial', 'debs']) mkdirSync(join(work, dir), { recursive: true });
    const apt = [
      '-q', '-o', `Dir::Etc::SourceList=${sources}`, '-o', `Dir::Etc::SourceParts=${join(work, 'parts')}`,
      '-o', `Dir::State::Lists=${join(work, 'lists')}`, '-o', `Dir::Cache=${join(work, 'cache')}`,
      // As root, apt would download as _apt, which cannot write to this private folder.
      '-o', 'APT::Sandbox::User=root',
    ];
    run('apt-get', [...apt, 'update'], work);
    run('apt-get', [...apt, 'download', ...r.debPackages], join(work, 'debs'));
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    for (const deb of readdirSync(join(work, 'debs')).filter((f) => f.endsWith('.deb'))) run('dpkg-deb', ['-x', join(work, 'debs', deb), staging], work);
    const stagedBinary = join(staging, relative(r.prefix, r.versionOf));
    const version = binaryVersion(stagedBinary);
    if (version === undefined) throw new SetupError(`${relative(paths.root, stagedBinary)} from ${r.suite}'s ${r.debPackages.join(', ')} does not run or say its version (\`${stagedBinary} --version\`)`);
    if (!version.startsWith(r.versionPrefix)) throw new SetupError(`${r.suite}'s ${r.name} is ${version}, not ${r.versionPrefix}x: ${suitePackagesOverride(r)}`);
    rmSync(r.prefix, { recursive: true, force: true });
    renameSync(staging, r.prefix);
    return version;
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(staging, { recursive: true, force: true });
  }
}
