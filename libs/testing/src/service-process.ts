import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from './workspace-root.js';

const MAX_LOG_CHARS = 4_000_000;
const LOG_TAIL_LINES = 40;
const READY_POLL_MS = 150;
const TELEMETRY_PRELOAD = '@plinth/telemetry/register';

/** Every service process still running, so a crashing test runner does not leave orphans behind. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** One built app (`apps/<name>/dist/main.js`) run as a child process with captured output. */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> = Promise.resolve(null);
  private output = '';

  constructor(
    readonly name: string,
    readonly port: number,
    readonly env: Record<string, string>,
    /** The script to run; default the built app `apps/<name>/dist/main.js`. */
    private readonly entry = join(workspaceRoot(), 'apps', name, 'dist', 'main.js'),
    private readonly args: string[] = [],
  ) {}

  /** https:// when the service is given a certificate (TLS_CERT_FILE); trust its CA with `trustTestCa()`. */
  get url(): string {
    return `${this.env['TLS_CERT_FILE'] ? 'https' : 'http'}://127.0.0.1:${this.port}`;
  }

  /** The running process's id (for signals a test sends itself, e.g. SIGSTOP/SIGCONT); undefined when stopped. */
  get pid(): number | undefined {
    return this.isRunning ? this.child?.pid : undefined;
  }

  get isRunning(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  logs(): string {
    return this.output;
  }

  logTail(lines = LOG_TAIL_LINES): string {
    return this.output.trimEnd().split('\n').slice(-lines).join('\n');
  }

  start(): void {
    if (this.isRunning) throw new Error(`${this.name} is already running`);
    const root = workspaceRoot();
    if (!existsSync(this.entry)) throw new Error(`${this.entry} does not exist: build first (npx nx run-many -t build)`);
    // The telemetry preload, as in production (it stays inert unless OTEL_EXPORTER_OTLP_ENDPOINT is set).
    const child = spawn(join(root, 'node_modules', '.bin', 'node'), ['--import', TELEMETRY_PRELOAD, this.entry, ...this.args], {
      cwd: root,
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    running.add(child);
    const capture = (chunk: Buffer) => {
      this.output += chunk.toString('utf8');
      if (this.output.length > MAX_LOG_CHARS) this.output = this.output.slice(-MAX_LOG_CHARS / 2);
    };
    child.stdout?.on('data', capture);
    child.stderr?.on('data', capture);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        running.delete(child);
        this.output += `\n[${this.name} exited: ${signal ?? `code ${code}`}]\n`;
        resolve(code);
      });
    });
  }

  /** Resolves with the exit code once the process has ended on its own (a command such as `migrate`). */
  exitCode(): Promise<number | null> {
    return this.exited;
  }

  /** Polls GET /readyz until 200; fails early if the process dies, or at the deadline, with the log tail. */
  async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastStatus = 'no answer';
    while (Date.now() < deadline) {
      if (!this.isRunning) throw this.failure(`exited before becoming ready`);
      try {
        const response = await fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(2_000) });
        if (response.ok) return;
        lastStatus = `${response.status} ${await response.text()}`;
      } catch (error) {
        lastStatus = (error as Error).message;
      }
      await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
    }
    throw this.failure(`not ready within ${timeoutMs} ms (last /readyz: ${lastStatus})`);
  }

  /** Sends the signal and waits for the exit; SIGKILLs after graceMs. Resolves with the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<number | null> {
    const child = this.child;
    if (!child || !this.isRunning) return this.exited;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  private failure(reason: string): Error {
    return new Error(`${this.name} ${reason}. Last log lines:\n${this.logTail()}`);
  }
}
