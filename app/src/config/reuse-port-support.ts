/**
 * Whether `server.listen({ reusePort: true })` does anything on this runtime.
 *
 * Node added the option in 23.1.0 and 22.12.0. Older versions accept the object
 * and silently ignore the unknown key, so the only honest test is the version.
 * The kernel side (SO_REUSEPORT with load balancing) exists on Linux, FreeBSD,
 * DragonFly BSD, Solaris and AIX; elsewhere Node raises an error at listen time.
 */

export interface RuntimeFacts {
  /** process.versions.node, e.g. "20.20.2". */
  readonly nodeVersion: string;
  /** process.platform. */
  readonly platform: string;
}

export type ReusePortSupport = { readonly supported: true } | { readonly supported: false; readonly reason: string };

const REUSE_PORT_PLATFORMS: readonly string[] = ['linux', 'freebsd', 'sunos', 'aix'];

export function nodeVersionHasReusePort(nodeVersion: string): boolean {
  const [major = 0, minor = 0] = nodeVersion.split('.').map((part) => Number.parseInt(part, 10));
  if (major >= 24) return true;
  if (major === 23) return minor >= 1;
  if (major === 22) return minor >= 12;
  return false;
}

export function reusePortSupport(runtime: RuntimeFacts): ReusePortSupport {
  if (!nodeVersionHasReusePort(runtime.nodeVersion)) {
    return {
      supported: false,
      reason: `the running Node v${runtime.nodeVersion} lacks listen({ reusePort }) (needs Node 22.12+ or 23.1+)`,
    };
  }
  if (!REUSE_PORT_PLATFORMS.includes(runtime.platform)) {
    return { supported: false, reason: `platform ${runtime.platform} does not balance connections across reusePort sockets` };
  }
  return { supported: true };
}
