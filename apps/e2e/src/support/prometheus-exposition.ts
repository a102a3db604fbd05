// Reading a service's /metrics in a spec.
/** `name{labels}` → value, from a Prometheus text exposition. */
export const parseExposition = (text: string): Map<string, number> =>
  new Map(
    text
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => {
        const at = line.lastIndexOf(' ');
        return [line.slice(0, at), Number(line.slice(at + 1))] as const;
      }),
  );
/** The value of the one series of `name` whose labels include all of `labels` (0 when absent). */
export const sample = (metrics: Map<string, number>, name: string, labels: Record<string, string> = {}): number | undefined => {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const [series, value] of metrics) {
    if ((series === name || series.startsWith(`${name}{`)) && wanted.every((label) => series.includes(label))) return value;
  }
  return undefined;
};

/** The sum over every series of `name` whose labels include all of `labels`. */
export const total = (metrics: Map<string, number>, name: string, labels: Record<string, string> = {}): number => {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  let sum = 0;
  for (const [series, value] of metrics) {
    if ((series === name || series.startsWith(`${name}{`)) && wanted.every((label) => series.includes(label))) sum += value;
  }
  return sum;
};
