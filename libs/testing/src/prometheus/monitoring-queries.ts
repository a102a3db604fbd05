import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { workspaceRoot } from '../workspace-root.js';

/** One PromQL expression the repository ships, and where it comes from. */
export interface MonitoringQuery {
  /** e.g. `rules/plinth-causes.rules.yaml: PlinthServiceDown`, `dashboards/plinth-slo.json: Burn rate / A`. */
  source: string;
  expr: string;
}

export const RULES_DIR = 'docker/observability/prometheus/rules';
export const DASHBOARDS_DIR = 'docker/observability/grafana/dashboards';

/**
 * Grafana's built-in interval variables, replaced by a value of the same type so the expression parses as the
 * server will see it. Dashboards use no other variables (the dashboards spec checks that).
 */
const GRAFANA_MACROS: [RegExp, string][] = [[/\$__rate_interval|\$__interval|\$__range/g, '5m']];

const filesIn = (dir: string, suffix: string): string[] =>
  readdirSync(join(workspaceRoot(), dir)).filter((name) => name.endsWith(suffix)).sort().map((name) => join(workspaceRoot(), dir, name));

export const ruleFilePaths = (): string[] => filesIn(RULES_DIR, '.rules.yaml');
export const dashboardPaths = (): string[] => filesIn(DASHBOARDS_DIR, '.json');

interface RuleFile {
  groups: { rules: { alert?: string; record?: string; expr: string }[] }[];
}

export function ruleQueries(): MonitoringQuery[] {
  return ruleFilePaths().flatMap((path) =>
    (parse(readFileSync(path, 'utf8')) as RuleFile).groups.flatMap((group) =>
      group.rules.map((rule) => ({ source: `rules/${path.split('/').pop()}: ${rule.alert ?? rule.record}`, expr: rule.expr })),
    ),
  );
}

/** Names the recording rules produce: dashboards and alerts may select them although no service exposes them. */
export function recordedNames(): Set<string> {
  return new Set(ruleFilePaths().flatMap((path) =>
    (parse(readFileSync(path, 'utf8')) as RuleFile).groups.flatMap((group) => group.rules.flatMap((rule) => (rule.record ? [rule.record] : [])))));
}

interface Panel {
  title?: string;
  targets?: { refId?: string; expr?: string }[];
  panels?: Panel[];
}

/** Every Prometheus target expression of every panel (rows included), with Grafana's interval macros filled in. */
export function dashboardQueries(): MonitoringQuery[] {
  return dashboardPaths().flatMap((path) => {
    const dashboard = JSON.parse(readFileSync(path, 'utf8')) as { panels?: Panel[] };
    const panels = (dashboard.panels ?? []).flatMap((panel) => [panel, ...(panel.panels ?? [])]);
    return panels.flatMap((panel) =>
      (panel.targets ?? []).flatMap((target) =>
        target.expr === undefined
          ? []
          : [{
              source: `dashboards/${path.split('/').pop()}: ${panel.title ?? '(untitled)'} / ${target.refId ?? '?'}`,
              expr: GRAFANA_MACROS.reduce((expr, [macro, value]) => expr.replace(macro, value), target.expr),
            }],
      ),
    );
  });
}
