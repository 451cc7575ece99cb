/** The scenario, defined once in k6/scenario.json, with the make overrides applied. */
import { readFileSync } from 'node:fs';
import { paths } from './paths.js';
import type { Scenario } from './results.js';
import type { LabOptions } from './options.js';

export function readScenario(file = paths.scenario): Scenario {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const { $comment: _comment, ...scenario } = raw;
  return scenario as unknown as Scenario;
}

export function scenarioFor(options: Pick<LabOptions, 'requests' | 'concurrency' | 'path'>): Scenario {
  const base = readScenario();
  const scenario: Scenario = {
    ...base,
    requests: options.requests ?? base.requests,
    concurrency: options.concurrency ?? base.concurrency,
    path: options.path ?? base.path,
  };
  // More connections than requests would leave connections idle and skew fairness.
  scenario.concurrency = Math.min(scenario.concurrency, scenario.requests);
  return scenario;
}
