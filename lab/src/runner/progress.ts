/**
 * A one-line progress bar on stderr (requests done/total, rate, elapsed) while a run
 * is going, redrawn a few times a second. Silent when the stream is not a TTY, so
 * logs and pipes stay clean. No dependency.
 */

export interface Progress {
  /** Record progress; cheap, and safe to pass around unbound (as onProgress). */
  update(done: number, total: number): void;
  /** Stop redrawing and erase the bar. Idempotent. */
  done(): void;
}

export interface ProgressOptions {
  /** Defaults to process.stderr. */
  stream?: NodeJS.WriteStream;
  /** Redraw period, ms (default 100). */
  intervalMs?: number;
}

const SILENT: Progress = { update() {}, done() {} };

/** A progress bar labelled `label` for a run of `total` requests. */
export function progressReporter(label: string, total: number, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  if (!stream.isTTY) return SILENT;
  const startedAt = performance.now();
  let done = 0;
  let drawn = false;
  const draw = (): void => {
    const width = Math.max(10, Math.min(30, (stream.columns || 80) - 50 - label.length));
    const prefix = label === '' ? '' : `${label} `;
    stream.write(`\r${prefix}${renderProgressLine(done, total, performance.now() - startedAt, width)}\x1b[K`);
    drawn = true;
  };
  const timer = setInterval(draw, options.intervalMs ?? 100);
  timer.unref();
  return {
    update(d, t) {
      done = d;
      total = t;
    },
    done() {
      clearInterval(timer);
      if (drawn) stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
}

/** `[#######-------]  562/1200  46%  113 req/s  5.0 s` */
export function renderProgressLine(done: number, total: number, elapsedMs: number, width = 30): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(fraction * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const rate = elapsedMs > 0 ? Math.round(done / (elapsedMs / 1000)) : 0;
  const count = `${String(done).padStart(String(total).length)}/${total}`;
  const percent = `${String(Math.floor(fraction * 100)).padStart(3)}%`;
  return `${bar} ${count} ${percent}  ${rate} req/s  ${(elapsedMs / 1000).toFixed(1)} s`;
}
