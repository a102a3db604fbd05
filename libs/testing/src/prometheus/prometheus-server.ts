import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { freePort } from '../free-port.js';

export interface PrometheusTarget {
  /** The `service` label of the target (as the ServiceMonitors and the compose config give it). */
  service: string;
  /** http://host:port of the service; /metrics is scraped. */
  url: string;
}

export interface PrometheusServerOptions {
  targets: readonly PrometheusTarget[];
  /** Absolute paths of rule files to load. */
  ruleFiles?: readonly string[];
  /**
   * Replaces every alert's `for:` (expressions, labels and annotations stay the production ones), so an alert that
   * waits minutes in production fires within seconds here.
   */
  alertFor?: string;
  /** Scrape and rule evaluation interval; default 1 s. */
  intervalSeconds?: number;
}

export interface ActiveAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  activeAt: string;
  value: string;
}

export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

const READY_TIMEOUT_MS = 30_000;

/**
 * A real Prometheus server (Debian's `prometheus` binary, or PROMETHEUS) on a free loopback port: scrapes the given
 * targets as job "plinth" with OpenMetrics negotiation and exemplar storage, evaluates the given rules, answers its
 * HTTP API. Its data lives in a temporary directory removed by stop().
 */
export class PrometheusServer {
  private output = '';

  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly dir: string,
  ) {}

  static async start(options: PrometheusServerOptions): Promise<PrometheusServer> {
    const dir = mkdtempSync(join(tmpdir(), 'plinth-prometheus-'));
    const interval = `${options.intervalSeconds ?? 1}s`;
    const ruleFiles = (options.ruleFiles ?? []).map((file) => {
      const copy = join(dir, basename(file));
      writeFileSync(copy, JSON.stringify(withAlertFor(parse(readFileSync(file, 'utf8')), options.alertFor)));
      return copy;
    });
    const config = {
      global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
      rule_files: ruleFiles,
      scrape_configs: [
        {
          job_name: 'plinth',
          static_configs: options.targets.map(({ service, url }) => ({ targets: [new URL(url).host], labels: { service } })),
        },
      ],
    };
    writeFileSync(join(dir, 'prometheus.json'), JSON.stringify(config));
    const port = await freePort();
    const child = spawn(process.env['PROMETHEUS'] ?? 'prometheus', [
      `--config.file=${join(dir, 'prometheus.json')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--enable-feature=exemplar-storage',
      '--log.level=warn',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    const server = new PrometheusServer(`http://127.0.0.1:${port}`, child, dir);
    const capture = (chunk: Buffer) => (server.output += chunk.toString('utf8'));
    child.stdout?.on('data', capture);
    child.stderr?.on('data', capture);
    const spawnFailure = new Promise<never>((_, reject) => child.once('error', (error) => reject(new Error(`prometheus did not start (${error.message}): apt-get install prometheus`))));
    await Promise.race([server.waitUntilReady(), spawnFailure]).catch(async (error: unknown) => {
      await server.stop();
      throw error;
    });
    return server;
  }

  logs(): string {
    return this.output;
  }

  /** GET /api/v1/<path>; the `data` of a success, an error naming Prometheus's reason otherwise. */
  async api<T>(path: string, params: Record<string, string> = {}): Promise<T> {
    const response = await fetch(`${this.url}/api/v1/${path}?${new URLSearchParams(params)}`, { signal: AbortSignal.timeout(10_000) });
    const body = (await response.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`Prometheus ${path}: ${body.error ?? response.status}`);
    return body.data;
  }

  async query(expr: string): Promise<Sample[]> {
    return (await this.api<{ result: Sample[] }>('query', { query: expr })).result;
  }

  async alerts(): Promise<ActiveAlert[]> {
    return (await this.api<{ alerts: ActiveAlert[] }>('alerts')).alerts;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async waitUntilReady(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`prometheus exited (${this.child.exitCode}):\n${this.output}`);
      const ready = await fetch(`${this.url}/-/ready`).then((response) => response.ok, () => false);
      if (ready) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`prometheus not ready within ${READY_TIMEOUT_MS} ms:\n${this.output}`);
  }
}

interface RuleFile {
  groups: { name: string; rules: { alert?: string; for?: string }[] }[];
}

function withAlertFor(rules: RuleFile, alertFor: string | undefined): RuleFile {
  if (alertFor === undefined) return rules;
  return {
    ...rules,
    groups: rules.groups.map((group) => ({ ...group, rules: group.rules.map((rule) => (rule.alert && rule.for ? { ...rule, for: alertFor } : rule)) })),
  };
}
