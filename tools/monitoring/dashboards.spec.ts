// The Grafana dashboards: valid against Grafana's own dashboard schema (the TypeScript types @grafana/schema
// generates from Grafana's CUE schema, turned into JSON Schema here), wired to the provisioned data sources, and
// every panel query parsed by promtool. That each selected metric exists in the running system is proven by the
// e2e alerting spec (apps/e2e/src/alerting.spec.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { dashboardPaths, dashboardQueries, metricNamesIn, recordedNames, workspaceRoot } from '@plinth/testing';
import Ajv, { type ValidateFunction } from 'ajv';
import { createGenerator } from 'ts-json-schema-generator';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';

const require = createRequire(import.meta.url);
const grafanaSchemaDir = dirname(require.resolve('@grafana/schema/package.json'));
const grafanaSchemaVersion = (JSON.parse(readFileSync(join(grafanaSchemaDir, 'package.json'), 'utf8')) as { version: string }).version;
/** Panel plugins Grafana ships, by the names its schema package has a panel config for. */
const panelTypes = new Set(['row', ...readdirSync(join(grafanaSchemaDir, 'dist/types/raw/composable')).filter((name) => existsSync(join(grafanaSchemaDir, 'dist/types/raw/composable', name, 'panelcfg')))]);

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: { refId: string; expr?: string; datasource?: { uid?: string } }[];
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
}
const dashboards = (): [string, Dashboard][] => dashboardPaths().map((path) => [path.split('/').pop() ?? path, JSON.parse(readFileSync(path, 'utf8')) as Dashboard]);

let validateDashboard: ValidateFunction;

beforeAll(() => {
  const schema = createGenerator({
    path: join(grafanaSchemaDir, 'dist/types/raw/dashboard/x/dashboard_types.gen.d.ts'),
    type: 'Dashboard',
    skipTypeCheck: true,
  }).createSchema('Dashboard');
  validateDashboard = new Ajv({ allErrors: true, strict: false }).compile(schema);
}, 120_000);

describe('Grafana dashboards', () => {
  it('uses the schema of the Grafana that docker compose runs', () => {
    expect(readFileSync(join(workspaceRoot(), 'docker/compose.yaml'), 'utf8')).toContain(`image: grafana/grafana:${grafanaSchemaVersion}\n`);
  });

  it('every dashboard is valid against Grafana\'s dashboard schema', () => {
    const problems = dashboards().flatMap(([file, dashboard]) =>
      validateDashboard(dashboard) ? [] : (validateDashboard.errors ?? []).map((error) => `${file}${error.instancePath}: ${error.message}`));
    expect(dashboards().length).toBeGreaterThanOrEqual(2);
    expect(problems).toEqual([]);
  });

  it('rejects what Grafana\'s schema rejects (a check that checks something)', () => {
    const [, dashboard] = dashboards()[0] ?? [];
    const broken = JSON.parse(JSON.stringify(dashboard)) as Dashboard & { schemaVersion?: unknown };
    broken.schemaVersion = 'forty-one';
    (broken.panels[0] as unknown as { gridPos: { w: string } }).gridPos.w = 'wide';
    expect(validateDashboard(broken)).toBe(false);
  });

  it('has unique dashboard uids and panel ids, known panel types, and panels that do not overlap', () => {
    const problems = dashboards().flatMap(([file, dashboard]) => {
      const panels = dashboard.panels;
      const ids = panels.map((panel) => panel.id);
      const overlaps = panels.flatMap((a, i) => panels.slice(i + 1).filter((b) =>
        a.gridPos.x < b.gridPos.x + b.gridPos.w && b.gridPos.x < a.gridPos.x + a.gridPos.w && a.gridPos.y < b.gridPos.y + b.gridPos.h && b.gridPos.y < a.gridPos.y + a.gridPos.h)
        .map((b) => `${file}: "${a.title}" overlaps "${b.title}"`));
      return [
        ...(new Set(ids).size === ids.length ? [] : [`${file}: duplicate panel ids`]),
        ...panels.filter((panel) => !panelTypes.has(panel.type)).map((panel) => `${file}: "${panel.title}" has unknown type ${panel.type}`),
        ...panels.filter((panel) => panel.gridPos.x + panel.gridPos.w > 24).map((panel) => `${file}: "${panel.title}" is wider than the grid`),
        ...overlaps,
      ];
    });
    const uids = dashboards().map(([, dashboard]) => dashboard.uid);
    expect(new Set(uids).size).toBe(uids.length);
    expect(problems).toEqual([]);
  });

  it('queries only provisioned data sources, and Grafana provisions the dashboards folder', () => {
    const provisioning = join(workspaceRoot(), 'docker/observability/grafana/provisioning');
    const datasources = (parse(readFileSync(join(provisioning, 'datasources/datasources.yaml'), 'utf8')) as { datasources: { uid: string; jsonData?: { exemplarTraceIdDestinations?: { datasourceUid: string }[] } }[] }).datasources;
    const uids = new Set(datasources.map((source) => source.uid));
    const used = dashboards().flatMap(([file, dashboard]) => dashboard.panels.flatMap((panel) => [
      ...(panel.datasource?.uid ? [[file, panel.title, panel.datasource.uid]] : []),
      ...(panel.targets ?? []).flatMap((target) => (target.datasource?.uid ? [[file, panel.title, target.datasource.uid]] : [])),
    ]));
    expect(used.filter(([, , uid]) => !uids.has(uid ?? '')).map((entry) => entry.join(': '))).toEqual([]);
    // Exemplars open their trace in a data source that exists.
    const exemplarTargets = datasources.flatMap((source) => source.jsonData?.exemplarTraceIdDestinations ?? []);
    expect(exemplarTargets.length).toBeGreaterThan(0);
    expect(exemplarTargets.every((destination) => uids.has(destination.datasourceUid))).toBe(true);
    expect(readFileSync(join(workspaceRoot(), 'docker/compose.yaml'), 'utf8')).toContain('./observability/grafana/dashboards:/var/lib/grafana/dashboards:ro');
  });

  it('every panel query is valid PromQL to promtool, using no variable but Grafana\'s interval macros', () => {
    const queries = dashboardQueries();
    expect(queries.filter(({ expr }) => expr.includes('$')).map(({ source }) => source)).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'plinth-dashboard-queries-'));
    try {
      // promtool parses expressions only inside rule files: each query becomes a recording rule.
      const file = join(dir, 'dashboard-queries.rules.yaml');
      writeFileSync(file, stringify({ groups: [{ name: 'dashboards', rules: queries.map(({ expr }, index) => ({ record: `dashboard:query_${index}`, expr })) }] }));
      const check = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
      if (check.error) throw new Error(`promtool not runnable (${check.error.message}): apt-get install prometheus`);
      expect({ status: check.status, output: `${check.stdout}${check.stderr}` }).toMatchObject({ status: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(queries.length).toBeGreaterThanOrEqual(20);
  });

  it('selects recording-rule series only by names the rules record (a renamed SLO series fails here)', () => {
    const recorded = recordedNames();
    const unknown = dashboardQueries().flatMap(({ source, expr }) =>
      metricNamesIn(expr).filter((name) => name.includes(':') && !recorded.has(name)).map((name) => `${source}: ${name}`));
    expect(unknown).toEqual([]);
  });

  it('has a "Plinth SLO" dashboard showing each SLO\'s budget left and its burn rates', () => {
    const slo = dashboards().find(([, dashboard]) => dashboard.title === 'Plinth SLO')?.[1];
    const exprs = (slo?.panels ?? []).flatMap((panel) => (panel.targets ?? []).map((target) => target.expr ?? ''));
    for (const series of ['slo:period_error_budget_remaining:ratio', 'slo:sli_error:ratio_rate1h', 'slo:sli_error:ratio_rate6h', 'slo:sli_error:ratio_rate3d', 'slo:error_budget:ratio']) {
      expect(exprs.some((expr) => expr.includes(series)), series).toBe(true);
    }
  });
});
