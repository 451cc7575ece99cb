/**
 * Every panel of the "Node.js clustering lab" dashboard and its PromQL, defined once:
 * the dashboard is built from this list, and an end-to-end test can run each
 * expression against a real Prometheus.
 *
 * Expressions use Grafana's variables:
 *   $mode             the mode template variable, a regex: `mode=~"$mode"` (All is `.*`,
 *                     several modes are `(cluster|pm2)`)
 *   $testid           the k6 test run variable, a regex like $mode (k6 panels only)
 *   $__rate_interval  Grafana's rate window: max(4 × scrape interval, step + scrape
 *                     interval); at least 8s with the datasource's 2 s timeInterval (the
 *                     app jobs' scrape interval, prometheus/prometheus.yml)
 * toPromQL() substitutes them for a plain Prometheus API query.
 */

/**
 * proc: the lab's /proc exporter; app: the app's own /metrics; k6: k6's remote-written
 * metrics; runner: the lab's runner's /metrics (job lab-runner).
 */
export type QuerySource = 'proc' | 'app' | 'k6' | 'runner';
/** A panel shows processes (proc), workers (app) or the client's side of each run (k6 and the lab's runner, whichever ran it). */
export type PanelSource = 'proc' | 'app' | 'client';

export interface PanelQuery {
  /** Panel title. */
  panel: string;
  refId: string;
  expr: string;
  legend: string;
  source: QuerySource;
}

export interface PanelSpec {
  title: string;
  description: string;
  unit: string;
  /** The y axis' label, where the unit alone does not say what is counted. */
  axisLabel?: string;
  /** A query drawn as a dashed, thicker line: a total beside the series it adds up. */
  totalRefId?: string;
  /** Decimals on the axis and legend (restarts are whole numbers). */
  decimals?: number;
  source: PanelSource;
  /** Each query's source: the panel's unless said (client panels say k6 or runner). */
  queries: { refId: string; expr: string; legend: string; source?: QuerySource }[];
}

/** Grafana's custom unit: the value followed by " cores". */
export const CORES_UNIT = 'suffix: cores';

/** Legend naming one serving process: nginx's replicas differ by their replica label. */
export const WORKER_LEGEND = '{{mode}} · worker {{worker}} {{replica}}';
/** Legend of a topology's total over its processes. */
export const TOPOLOGY_TOTAL_LEGEND = '{{mode}} · total';
/** Series that make one worker: the replica label keeps nginx's replicas apart (they are all worker 0). */
const PER_WORKER = 'mode, worker, replica';
/** $mode, and never a series without a mode label (All is `.*`, which matches an empty label too). */
const MODE = 'mode=~"$mode", mode!=""';
/** CPU seconds per second of every lab process, from the /proc exporter (lab/src/proc-exporter/). */
const PROCESS_CPU = `rate(lab_process_cpu_seconds_total{${MODE}}[$__rate_interval])`;
/** Health probes hit the app every few seconds; they are not the load. */
const LOAD = `${MODE}, route!~"/healthz|/readyz"`;
/** k6 samples of the measured scenario (the warm-up in setup() has no scenario tag). */
const K6 = `testid=~"$testid", ${MODE}, scenario="bench"`;
/** The lab's runner's series (its warm-up is not exported). */
const RUNNER = `job="lab-runner", testid=~"$testid", ${MODE}`;
const runnerQuantile = (q: number): string =>
  `histogram_quantile(${q}, sum by (le, testid, mode) (rate(lab_client_request_duration_seconds_bucket{${RUNNER}}[$__rate_interval])))`;

const quantile = (q: number): string =>
  `histogram_quantile(${q}, sum by (le, ${PER_WORKER}) (rate(http_request_duration_seconds_bucket{${LOAD}}[$__rate_interval])))`;

export const PANELS: readonly PanelSpec[] = [
  {
    title: 'CPU per process',
    description:
      "Cores each process kept busy (CPU seconds per second: 1 = one full core), read from /proc by the lab's exporter outside the app, so a saturated worker's line has no gaps. The cluster primary shows as worker \"primary\", PM2's daemon as worker \"pm2\"; the dashed total per topology is to hold against its WORKERS.",
    unit: CORES_UNIT,
    axisLabel: 'cores',
    totalRefId: 'B',
    source: 'proc',
    queries: [
      { refId: 'A', expr: `sum by (${PER_WORKER}) (${PROCESS_CPU})`, legend: WORKER_LEGEND },
      { refId: 'B', expr: `sum by (mode) (${PROCESS_CPU})`, legend: TOPOLOGY_TOTAL_LEGEND },
    ],
  },
  {
    title: 'Requests per second per worker',
    description: 'Requests each worker answered per second (health probes excluded): how evenly the topology spreads the load.',
    unit: 'reqps',
    source: 'app',
    queries: [{ refId: 'A', expr: `sum by (${PER_WORKER}) (rate(http_request_duration_seconds_count{${LOAD}}[$__rate_interval]))`, legend: WORKER_LEGEND }],
  },
  {
    title: 'Latency p50 / p90 / p99 per worker',
    description: "Time from a request's arrival in the worker to its response, from the app's histogram. Queueing before the worker accepts (in the primary, the kernel or nginx) is not in it: k6's latency below is.",
    unit: 's',
    source: 'app',
    queries: [
      { refId: 'A', expr: quantile(0.5), legend: `p50 ${WORKER_LEGEND}` },
      { refId: 'B', expr: quantile(0.9), legend: `p90 ${WORKER_LEGEND}` },
      { refId: 'C', expr: quantile(0.99), legend: `p99 ${WORKER_LEGEND}` },
    ],
  },
  {
    title: 'Event-loop lag p99 per worker',
    description: "99th percentile of the event loop's delay between scrapes: a CPU-bound request blocks every other request of its worker for this long.",
    unit: 's',
    source: 'app',
    queries: [{ refId: 'A', expr: `max by (${PER_WORKER}) (nodejs_eventloop_lag_p99_seconds{${MODE}})`, legend: WORKER_LEGEND }],
  },
  {
    title: 'Heap used per process',
    description: 'V8 heap in use by each process.',
    unit: 'bytes',
    source: 'app',
    queries: [{ refId: 'A', expr: `max by (${PER_WORKER}) (nodejs_heap_size_used_bytes{${MODE}})`, legend: WORKER_LEGEND }],
  },
  {
    title: 'Open connections per worker',
    description: 'Client connections open on each worker (keep-alive connections stay with the worker that accepted them), and requests in flight.',
    unit: 'short',
    source: 'app',
    queries: [
      { refId: 'A', expr: `max by (${PER_WORKER}) (http_open_connections{${MODE}})`, legend: `connections ${WORKER_LEGEND}` },
      { refId: 'B', expr: `max by (${PER_WORKER}) (http_requests_in_flight{${MODE}})`, legend: `in flight ${WORKER_LEGEND}` },
    ],
  },
  {
    title: 'Worker restarts (cluster primaries)',
    decimals: 0,
    description: "Workers the node:cluster primary started to replace another, by reason (crash, start_failure, rolling_restart), and the workers alive. PM2's restarts are not exported.",
    unit: 'short',
    source: 'app',
    queries: [
      // Whole restarts: increase() extrapolates to the window's edges (1.03 restarts), so it is rounded.
      { refId: 'A', expr: `round(sum by (mode, reason) (increase(cluster_worker_restarts_total{${MODE}}[1m])))`, legend: '{{mode}} · restarts in the last minute ({{reason}})' },
      { refId: 'B', expr: `max by (mode) (cluster_workers_alive{${MODE}})`, legend: '{{mode}} · workers alive' },
    ],
  },
  {
    title: 'Client requests per second',
    description: "Requests the load generator completed per second, per run (testid): the client's view of throughput. k6's when k6 ran it, the lab's runner's otherwise (bench, compare natively and in Docker).",
    unit: 'reqps',
    source: 'client',
    queries: [
      { refId: 'A', expr: `sum by (testid, mode) (rate(k6_http_reqs_total{${K6}}[$__rate_interval]))`, legend: 'k6 {{testid}}', source: 'k6' },
      { refId: 'B', expr: `sum by (testid, mode) (rate(lab_client_requests_total{${RUNNER}}[$__rate_interval]))`, legend: 'runner {{testid}}', source: 'runner' },
    ],
  },
  {
    title: 'Client latency p90 / p95 / p99',
    description: "Latency as the load generator saw it (queueing included), per run. k6 sends each percentile of the run so far as its own series (K6_PROMETHEUS_RW_TREND_STATS); the lab's runner exports a histogram, so its percentiles are over the rate window.",
    unit: 's',
    source: 'client',
    queries: [
      { refId: 'A', expr: `max by (testid, mode) (k6_http_req_duration_p90{${K6}})`, legend: 'k6 p90 {{testid}}', source: 'k6' },
      { refId: 'B', expr: `max by (testid, mode) (k6_http_req_duration_p95{${K6}})`, legend: 'k6 p95 {{testid}}', source: 'k6' },
      { refId: 'C', expr: `max by (testid, mode) (k6_http_req_duration_p99{${K6}})`, legend: 'k6 p99 {{testid}}', source: 'k6' },
      { refId: 'D', expr: runnerQuantile(0.9), legend: 'runner p90 {{testid}}', source: 'runner' },
      { refId: 'E', expr: runnerQuantile(0.95), legend: 'runner p95 {{testid}}', source: 'runner' },
      { refId: 'F', expr: runnerQuantile(0.99), legend: 'runner p99 {{testid}}', source: 'runner' },
    ],
  },
  {
    title: 'Client failed requests',
    description: 'Share of requests that failed (a status outside 2xx, a socket error or a timeout), per run.',
    unit: 'percentunit',
    source: 'client',
    queries: [
      { refId: 'A', expr: `max by (testid, mode) (k6_http_req_failed_rate{${K6}})`, legend: 'k6 {{testid}}', source: 'k6' },
      {
        refId: 'B',
        expr: `sum by (testid, mode) (rate(lab_client_requests_total{${RUNNER}, outcome!="ok"}[$__rate_interval])) / sum by (testid, mode) (rate(lab_client_requests_total{${RUNNER}}[$__rate_interval]))`,
        legend: 'runner {{testid}}',
        source: 'runner',
      },
    ],
  },
];

/**
 * Run markers: dashboard annotations that shade the time each run took, so a k6 run
 * or a lab bench can be found on every panel. Grafana's Prometheus annotations turn
 * each series' non-zero stretch into one region; titleFormat and tagKeys name it.
 */
export interface RunMarkerSpec {
  name: string;
  /** What the marker shows, as the annotation's tooltip. */
  description: string;
  expr: string;
  titleFormat: string;
  tagKeys: string;
  iconColor: string;
  source: QuerySource;
}

export const RUN_MARKERS: readonly RunMarkerSpec[] = [
  {
    name: 'Load on a topology',
    description: 'Any load on a topology, whoever sent it (k6, the lab\'s runner, a hand-run loadtest): its own request rate, probes excluded. A fixed 10 s window (five of the app jobs\' 2 s scrapes), as annotations get no $__rate_interval of their own.',
    expr: `sum by (mode) (rate(http_request_duration_seconds_count{${LOAD}}[10s])) > 0`,
    titleFormat: 'load on {{mode}}',
    tagKeys: 'mode',
    iconColor: 'rgba(255, 152, 48, 0.6)',
    source: 'app',
  },
  {
    name: "Lab runner runs",
    description: "Each run of the lab's runner (bench, compare), named by its testid (<mode>-<time>-r<repetition>), while it sends requests.",
    expr: `max by (testid, mode) (lab_client_run_active{${RUNNER}}) > 0`,
    titleFormat: 'runner {{testid}}',
    tagKeys: 'mode,testid',
    iconColor: 'rgba(115, 191, 105, 0.6)',
    source: 'runner',
  },
  {
    name: 'k6 runs',
    description: 'Each k6 run, named by its testid (<mode>-<time>[-r<repetition>]), while its VUs are running.',
    expr: `max by (testid, mode) (k6_vus{testid=~"$testid", ${MODE}}) > 0`,
    titleFormat: '{{testid}}',
    tagKeys: 'mode,testid',
    iconColor: 'rgba(138, 184, 255, 0.6)',
    source: 'k6',
  },
];

/** A query's source when its panel's says it: client panels name theirs on each query. */
function querySource(panel: PanelSource): QuerySource {
  if (panel === 'client') throw new Error('a client panel names each query\'s source (k6 or runner)');
  return panel;
}

/** Every panel's expressions, flat. */
export function panelQueries(): PanelQuery[] {
  return PANELS.flatMap((p) => p.queries.map((q) => ({ panel: p.title, refId: q.refId, expr: q.expr, legend: q.legend, source: q.source ?? querySource(p.source) })));
}

/** Every expression the dashboard runs: its panels' and its run markers'. */
export function dashboardQueries(): PanelQuery[] {
  const markers = RUN_MARKERS.map((m) => ({ panel: `annotation: ${m.name}`, refId: 'A', expr: m.expr, legend: m.titleFormat, source: m.source }));
  return [...panelQueries(), ...markers];
}

export interface Substitutions {
  /** Regex of the modes to show, default every mode. */
  mode?: string;
  /** Regex of the k6 test runs, default every run. */
  testid?: string;
  /** The rate window, default 1m. */
  rateInterval?: string;
}

/** An expression with Grafana's variables substituted, ready for Prometheus' /api/v1/query. */
export function toPromQL(expr: string, s: Substitutions = {}): string {
  return expr
    .replaceAll('$__rate_interval', s.rateInterval ?? '1m')
    .replaceAll('$testid', s.testid ?? '.*')
    .replaceAll('$mode', s.mode ?? '.*');
}
