/** autocannon's overallRate spacing, for our runner: a per-second quota sent at the start of each second (a 1000 ms send quantum). */
export const QUOTA_QUANTUM_MS = 1000;
