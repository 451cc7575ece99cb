#!/usr/bin/env node
/** Writes grafana/dashboards/nodejs-clustering-lab.json: `npm run generate -w grafana`. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DASHBOARD_FILE, renderDashboard } from './dashboard.js';

// This module runs as grafana/dist/generate.js.
const file = fileURLToPath(new URL(`../dashboards/${DASHBOARD_FILE}`, import.meta.url));
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, renderDashboard());
process.stdout.write(`wrote ${file}\n`);
