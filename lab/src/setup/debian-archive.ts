/**
 * This machine's own Debian archive: the URI its apt sources use for its release
 * suite (deb822 .sources files or one-line sources.list entries), so the set-up step
 * can add another suite of the same archive without naming any host itself.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** ID and VERSION_CODENAME of an os-release file's text. */
export function osRelease(text: string): { id: string | undefined; codename: string | undefined } {
  const field = (name: string): string | undefined => {
    const m = new RegExp(`^${name}=(?:"([^"]*)"|'([^']*)'|(\\S*))\\s*$`, 'm').exec(text);
    const value = m?.[1] ?? m?.[2] ?? m?.[3];
    return value === undefined || value === '' ? undefined : value;
  };
  return { id: field('ID'), codename: field('VERSION_CODENAME') };
}

/** The first URI of deb822 stanzas (.sources) that serve `suite` with binary packages. */
function fromDeb822(text: string, suite: string): string | undefined {
  for (const stanza of text.split(/\n\s*\n/)) {
    const field = (name: string): string[] => {
      const m = new RegExp(`^${name}:[ \\t]*(.*)$`, 'mi').exec(stanza);
      return (m?.[1] ?? '').split(/\s+/).filter((w) => w !== '');
    };
    if (/^Enabled:\s*no\s*$/mi.test(stanza)) continue;
    if (!field('Types').includes('deb') || !field('Suites').includes(suite)) continue;
    const uri = field('URIs')[0];
    if (uri !== undefined) return uri;
  }
  return undefined;
}

/** The first URI of one-line `deb [options] URI suite components` entries that serve `suite`. */
function fromOneLine(text: string, suite: string): string | undefined {
  for (const line of text.split('\n')) {
    const words = line.replace(/#.*/, '').replace(/\[[^\]]*\]/, ' ').trim().split(/\s+/);
    if (words[0] === 'deb' && words[2] === suite && words[1] !== undefined) return words[1];
  }
  return undefined;
}

/**
 * The archive URI serving `codename`, from the apt source files' texts (name → text:
 * names ending in .sources are deb822, the others one-line), or undefined.
 */
export function archiveUri(codename: string, sources: ReadonlyMap<string, string>): string | undefined {
  for (const [name, text] of sources) {
    const uri = name.endsWith('.sources') ? fromDeb822(text, codename) : fromOneLine(text, codename);
    if (uri !== undefined) return uri;
  }
  return undefined;
}

function readIfThere(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The apt source files of a machine (sources.list first, then sources.list.d/ in order). */
export function aptSources(etcApt = '/etc/apt'): Map<string, string> {
  const files = [join(etcApt, 'sources.list')];
  let parts: string[] = [];
  try {
    parts = readdirSync(join(etcApt, 'sources.list.d')).filter((f) => f.endsWith('.list') || f.endsWith('.sources')).sort();
  } catch {
    // No sources.list.d: only sources.list.
  }
  files.push(...parts.map((f) => join(etcApt, 'sources.list.d', f)));
  const out = new Map<string, string>();
  for (const file of files) {
    const text = readIfThere(file);
    if (text !== undefined) out.set(file, text);
  }
  return out;
}

/** This machine's Debian archive, or why there is none to use. */
export function machineDebianArchive(osReleaseFile = '/etc/os-release', etcApt = '/etc/apt'): { uri: string } | { why: string } {
  const { id, codename } = osRelease(readIfThere(osReleaseFile) ?? '');
  if (id !== 'debian') return { why: `this machine is not Debian (ID=${id ?? '?'} in ${osReleaseFile})` };
  if (codename === undefined) return { why: `${osReleaseFile} has no VERSION_CODENAME` };
  const uri = archiveUri(codename, aptSources(etcApt));
  return uri === undefined ? { why: `no apt source of ${etcApt} serves ${codename}` } : { uri };
}
