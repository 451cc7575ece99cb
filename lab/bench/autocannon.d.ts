/** The part of autocannon's programmatic API the generator-cost benchmark uses (it ships no types). */
declare module 'autocannon' {
  interface AutocannonOptions {
    url: string;
    connections?: number;
    amount?: number;
    pipelining?: number;
    timeout?: number;
    /** Sampling period, ms (default 1000); a run ends only at the next sample. */
    sampleInt?: number;
    /** Requests per second over all connections (an open-ish schedule). */
    overallRate?: number;
  }
  interface AutocannonResult {
    requests: { total: number; average: number };
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
  }
  function autocannon(options: AutocannonOptions): Promise<AutocannonResult>;
  export default autocannon;
}
