/**
 * The one output step every measuring command ends with: the report's terminal text
 * on stdout, its files in the results folder (<name>.json, and <name>.html beside it
 * when it has one), and one "wrote …" line naming them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { locations } from '../config/environment.js';
import { writeReportFiles } from '../report/write.js';

export interface CommandOutput {
  /** What the terminal shows. */
  text: string;
  /** The file name without its extension: results/<name>.json. */
  name: string;
  /** The report model, as results/<name>.json keeps it. */
  data: unknown;
  /** The self-contained HTML report (results/<name>.html), where the command has one. */
  html?: string;
}

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** Prints, writes and says where; returns the files written. */
export function output(out: CommandOutput, dir = locations().results): string[] {
  process.stdout.write(`\n${out.text}\n`);
  let files: string[];
  if (out.html === undefined) {
    mkdirSync(dir, { recursive: true });
    const json = join(dir, `${out.name}.json`);
    writeFileSync(json, `${JSON.stringify(out.data, null, 2)}\n`);
    files = [json];
  } else {
    const written = writeReportFiles(dir, out.name, out.data, out.html);
    files = [written.json, written.html];
  }
  log(`wrote ${files.join(' and ')}`);
  return files;
}
