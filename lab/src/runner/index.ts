/**
 * The native load runner: public API.
 */
export { runLoad } from './run-load.js';
export { warmUp, type WarmUpOptions } from './warm-up.js';
export { DEFAULT_TIMEOUT_MS, scenarioRunOptions, type RunOptions } from './run-options.js';
export { formatSeedBlock } from '../shared/seed-block.js';
export { progressReporter, renderProgressLine, type Progress, type ProgressOptions } from './progress.js';
export { jainIndex, maxOverMedian, median, CURVE_PERCENTILES } from './stats.js';
