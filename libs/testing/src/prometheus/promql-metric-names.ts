import { parser } from '@prometheus-io/lezer-promql';

/** Series Prometheus makes itself, never exposed by a target. */
export const PROMETHEUS_OWN_SERIES: ReadonlySet<string> = new Set(['up', 'ALERTS', 'ALERTS_FOR_STATE', 'scrape_duration_seconds', 'scrape_samples_scraped']);

/**
 * The metric names a PromQL expression selects (`name{…}` and `{__name__="name"}`), parsed with Prometheus's own
 * grammar; a syntax error throws, naming where.
 */
export function metricNamesIn(expr: string): string[] {
  const names = new Set<string>();
  const tree = parser.parse(expr);
  tree.iterate({
    enter(node) {
      if (node.type.isError) throw new Error(`PromQL syntax error at ${node.from}: ${expr.slice(Math.max(0, node.from - 20), node.from + 20)}`);
      const text = expr.slice(node.from, node.to);
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') names.add(text);
      if (node.name === 'UnquotedLabelMatcher' && /^__name__\s*=\s*"/.test(text)) names.add(text.replace(/^__name__\s*=\s*"([^"]*)"$/, '$1'));
    },
  });
  return [...names];
}
