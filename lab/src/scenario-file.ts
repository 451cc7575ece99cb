/** The scenario, defined once in k6/scenario.json, with the make overrides applied (rules: scenario-rules.ts). */
import { readFileSync } from 'node:fs';
import { paths } from './paths.js';
import type { Scenario } from './model/report-model.js';
import type { LabOptions } from './config/lab-options.js';
import { applyOverrides, parseScenario } from './shared/scenario-rules.js';

export function readScenario(file = paths.scenario): Scenario {
  return parseScenario(readFileSync(file, 'utf8'));
}

export function scenarioFor(options: Pick<LabOptions, 'requests' | 'concurrency' | 'path'> & Partial<Pick<LabOptions, 'warmupRequests' | 'steadyMinRequests'>>): Scenario {
  return applyOverrides(readScenario(), options);
}
