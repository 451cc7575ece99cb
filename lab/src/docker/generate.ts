#!/usr/bin/env node
/** Writes docker-compose.yml from the topology table: `npm run generate -w lab`. */
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { paths } from '../paths.js';
import { renderCompose } from './compose.js';

writeFileSync(paths.composeFile, renderCompose());
process.stdout.write(`wrote ${relative(process.cwd(), paths.composeFile) || paths.composeFile}\n`);
