/**
 * The kernel's view of ports inside a container's network namespace, read by a
 * script the container's own node runs (`docker compose exec -T <service> node -e …`):
 * the slim image has neither ss nor ps. It reads /proc/net/tcp{,6} and maps each
 * socket's inode to the processes holding it (/proc/<pid>/fd), so the rows are the
 * same SocketRow the native side reads with `ss`, and socket-table.ts answers the
 * same questions (who listens on a slot's metrics port, how many connections wait).
 * Pids are the container's own (its pid namespace).
 */
import type { SocketRow } from '../resilience/socket-table.js';

/** Prints a JSON array of [state hex, rx_queue, local port, inode, ...pids] for the ports in argv[1] (comma-separated). */
export const SOCKETS_SCRIPT = [
  "const fs=require('fs');const ports=process.argv[1].split(',').map(Number);const rows=[];",
  "for(const f of ['/proc/net/tcp','/proc/net/tcp6']){let t='';try{t=fs.readFileSync(f,'utf8')}catch{continue}",
  "for(const l of t.split('\\n').slice(1)){const c=l.trim().split(/\\s+/);if(c.length<10)continue;const p=parseInt(c[1].split(':').pop(),16);",
  "if(ports.includes(p))rows.push([c[3],parseInt(c[4].split(':')[1],16),p,c[9]])}}",
  "const by={};for(const d of fs.readdirSync('/proc')){if(!/^\\d+$/.test(d))continue;let fds=[];try{fds=fs.readdirSync('/proc/'+d+'/fd')}catch{continue}",
  "for(const fd of fds){try{const m=/^socket:\\[(\\d+)\\]$/.exec(fs.readlinkSync('/proc/'+d+'/fd/'+fd));if(m)(by[m[1]]??=[]).push(Number(d))}catch{}}}",
  'console.log(JSON.stringify(rows.map((r)=>[r[0],r[1],r[2],...(by[r[3]]??[])])))',
].join('');

/** /proc/net/tcp's state codes the rounds read (include/net/tcp_states.h). */
const STATES: Readonly<Record<string, string>> = { '01': 'ESTAB', '0A': 'LISTEN' };

/** The script's output as socket rows (states other than ESTAB and LISTEN keep their hex code). */
export function parseContainerSockets(output: string): SocketRow[] {
  const parsed: unknown = JSON.parse(output.trim() || '[]');
  if (!Array.isArray(parsed)) throw new Error(`unexpected socket listing: ${output.slice(0, 200)}`);
  return parsed.map((row) => {
    const [state, recvQ, localPort, ...pids] = row as [string, number, number, ...number[]];
    return { state: STATES[state] ?? state, recvQ, localPort, pids };
  });
}

/**
 * `docker inspect --format '{{.Name}} {{.State.Running}} {{.State.Pid}}'` lines: each
 * container's host pid while it runs (a restarted container has a new one, so it names
 * the container's current life), null when it is not running.
 */
export function parseContainerPids(output: string): Map<string, number | null> {
  const pids = new Map<string, number | null>();
  for (const line of output.split('\n')) {
    const [name, running, pid] = line.trim().split(' ');
    if (!name || running === undefined) continue;
    pids.set(name.replace(/^\//, ''), running === 'true' && Number(pid) > 0 ? Number(pid) : null);
  }
  return pids;
}

/** The app's drain lines (serving-process.ts) in container logs: graceful, or forced by the deadline. */
export function countDrainLines(text: string): { graceful: number; forced: number } {
  return { graceful: [...text.matchAll(/Stopped gracefully in /g)].length, forced: [...text.matchAll(/Stop forced by the /g)].length };
}

/** The primary's word on a rolling restart (worker-pool.ts), in its logs: done, aborted (with the line), or not yet. */
export function rollingRestartOutcome(text: string): { done: boolean; aborted: string | null } {
  const aborted = /Rolling restart aborted[^"\n]*/.exec(text);
  return { done: /Rolling restart complete in \d+ ms/.test(text), aborted: aborted ? aborted[0] : null };
}
