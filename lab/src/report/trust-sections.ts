/**
 * How far a comparison's figures can be trusted, as titled lists of lines: the terminal
 * prints them under the table, the HTML report shows the same sections.
 */
import type { CompareReport } from '../model/report-model.js';
import { formatInterference } from '../model/report-model.js';

export interface TrustSection {
  title: string;
  /** The terminal's bullet: "!" for what must be read, "-" for facts. */
  mark: '!' | '-';
  lines: string[];
}

export function trustSections(report: CompareReport): TrustSection[] {
  const measured = report.modes.filter((m) => m.available);
  const sections: TrustSection[] = [];
  if (report.faults !== undefined && report.faults.length > 0) {
    sections.push({ title: 'Measurement faults (figures beyond what this machine allows: not results)', mark: '!', lines: report.faults });
  }
  if (report.statements !== undefined && report.statements.length > 0) {
    sections.push({ title: 'What the intervals allow saying (req/s, neighbours in rank)', mark: '-', lines: report.statements });
  }
  const flagged: string[] = [];
  for (const m of measured) {
    (m.repetitions ?? []).forEach((r, i) => {
      if (r.excluded && r.interference) flagged.push(`${m.mode} run ${i + 1}: disturbed (${formatInterference(r.interference)}), left out and measured again`);
      if (r.drift.length > 0) {
        const d = r.drift.map((x) => `worker ${x.worker} ${x.referenceMs.toFixed(2)} → ${x.measuredMs.toFixed(2)} ms`).join(', ');
        flagged.push(`${m.mode} run ${i + 1}: CPU per request drifted from the warm cost (${d})`);
      }
    });
  }
  if (flagged.length > 0) sections.push({ title: 'Repetitions flagged', mark: '!', lines: flagged });
  const warm = measured.filter((m) => m.warmUp !== undefined).map((m) => `${m.mode}: ${m.warmUp === null ? 'no warm-up' : (m.warmUp?.text ?? '')}`);
  if (warm.length > 0) sections.push({ title: 'Warm-up to a steady CPU per request, per serving process', mark: '-', lines: warm });
  const stops = measured.filter((m) => m.stopped).map((m) => `${m.mode}: ${m.stopped ?? ''}`);
  if (stops.length > 0) sections.push({ title: 'Repetitions', mark: '-', lines: stops });
  if (report.intervalMethod !== undefined) sections.push({ title: 'Intervals', mark: '-', lines: [report.intervalMethod] });
  return sections;
}
