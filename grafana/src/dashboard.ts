/**
 * The "Node.js clustering lab" dashboard, built with the Grafana Foundation SDK from
 * the panel list in queries.ts. `npm run generate -w grafana` writes it to
 * grafana/dashboards/nodejs-clustering-lab.json, which Grafana provisions.
 */
import {
  GraphDrawStyle,
  LegendDisplayMode,
  LegendPlacement,
  SortOrder,
  TooltipDisplayMode,
  VizLegendOptionsBuilder,
  VizTooltipOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import {
  AnnotationQueryBuilder,
  DashboardBuilder,
  DashboardCursorSync,
  QueryVariableBuilder,
  RowBuilder,
  VariableRefresh,
  VariableSort,
  type Dashboard,
  type DataSourceRef,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { PANELS, RUN_MARKERS, type PanelSource, type PanelSpec, type RunMarkerSpec } from './queries.js';
import type { Builder } from '@grafana/grafana-foundation-sdk/cog';
import type { AnnotationQuery } from '@grafana/grafana-foundation-sdk/dashboard';

export const DASHBOARD_UID = 'nodejs-clustering-lab';
export const DASHBOARD_TITLE = 'Node.js clustering lab';
export const DASHBOARD_FILE = 'nodejs-clustering-lab.json';
/** The uid grafana/provisioning/datasources/prometheus.yml gives the datasource. */
export const DATASOURCE: DataSourceRef = { type: 'prometheus', uid: 'prometheus' };

function modeVariable(): QueryVariableBuilder {
  return new QueryVariableBuilder('mode')
    .label('Mode')
    .description('Topologies to show (the mode label every app series carries).')
    .datasource(DATASOURCE)
    .query('label_values(process_cpu_seconds_total{mode!=""}, mode)')
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ text: 'All', value: '$__all', selected: true })
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc);
}

function testidVariable(): QueryVariableBuilder {
  return new QueryVariableBuilder('testid')
    .label('Test run')
    .description('Runs of k6 or the lab’s runner (testid: <mode>-<time>[-r<repetition>]) shown by the client panels.')
    .datasource(DATASOURCE)
    .query('label_values({__name__=~"k6_http_reqs_total|lab_client_requests_total", mode=~"$mode"}, testid)')
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ text: 'All', value: '$__all', selected: true })
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalDesc);
}

/**
 * A Prometheus annotation. The SDK's AnnotationQuery has no field for the Prometheus
 * datasource's titleFormat, tagKeys, textFormat, step and useValueForTime, which Grafana
 * reads from the annotation itself, so they are added to what the SDK builds.
 */
function runMarker(spec: RunMarkerSpec): Builder<AnnotationQuery> {
  const base = new AnnotationQueryBuilder().name(spec.name).datasource(DATASOURCE).enable(true).iconColor(spec.iconColor).expr(spec.expr);
  return {
    build: () => ({ ...base.build(), step: '1s', titleFormat: spec.titleFormat, tagKeys: spec.tagKeys, textFormat: spec.description, useValueForTime: false }) as AnnotationQuery,
  };
}

function panel(spec: PanelSpec, id: number): PanelBuilder {
  const builder = new PanelBuilder()
    .id(id)
    .title(spec.title)
    .description(spec.description)
    .datasource(DATASOURCE)
    .unit(spec.unit)
    .min(0)
    .height(9)
    .span(12)
    .drawStyle(GraphDrawStyle.Line)
    .lineWidth(1)
    .fillOpacity(10)
    .legend(new VizLegendOptionsBuilder().displayMode(LegendDisplayMode.Table).placement(LegendPlacement.Bottom).showLegend(true).calcs(['mean', 'max']))
    .tooltip(new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Multi).sort(SortOrder.Descending));
  if (spec.decimals !== undefined) builder.decimals(spec.decimals);
  if (spec.axisLabel !== undefined) builder.axisLabel(spec.axisLabel);
  if (spec.totalRefId !== undefined) {
    builder.overrideByQuery(spec.totalRefId, [
      { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
      { id: 'custom.lineWidth', value: 2 },
      { id: 'custom.fillOpacity', value: 0 },
    ]);
  }
  for (const q of spec.queries) {
    builder.withTarget(new DataqueryBuilder().datasource(DATASOURCE).refId(q.refId).expr(q.expr).legendFormat(q.legend).range());
  }
  return builder;
}

export function buildDashboard(): Dashboard {
  const builder = new DashboardBuilder(DASHBOARD_TITLE)
    .uid(DASHBOARD_UID)
    .description('Every worker of every topology of the clustering lab (the app’s own metrics) and the load generator’s view of each run (k6 or the lab’s runner).')
    .tags(['nodejs', 'clustering', 'k6'])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .refresh('5s')
    .time({ from: 'now-15m', to: 'now' })
    .timezone('browser')
    .annotations(RUN_MARKERS.map(runMarker))
    .withVariable(modeVariable())
    .withVariable(testidVariable());
  let id = 0;
  const rows: [string, PanelSource][] = [
    ['Processes (CPU from /proc, outside the app)', 'proc'],
    ['Workers (the app’s /metrics, per worker)', 'app'],
    ['Client side (per run: k6 when it ran, else the lab’s runner)', 'client'],
  ];
  for (const [title, source] of rows) {
    builder.withRow(new RowBuilder(title).id(++id));
    for (const spec of PANELS.filter((p) => p.source === source)) builder.withPanel(panel(spec, ++id));
  }
  return builder.build();
}

/** The provisioned file's text. */
export function renderDashboard(): string {
  return `${JSON.stringify(buildDashboard(), null, 2)}\n`;
}
