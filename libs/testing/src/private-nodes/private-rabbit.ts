import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileAsync, portAccepts, portOutsideCliRange, processAlive, waitFor, type NodeTls } from './node-processes.js';

const RABBIT_BIN = process.env['CHAOS_RABBITMQ_BIN'] ?? '/usr/lib/rabbitmq/bin';

export interface PrivateRabbitTls extends NodeTls {
  /** `ssl_options.fail_if_no_peer_cert`: clients must present a certificate signed by `caFile`. */
  requireClientCertificate?: boolean;
  /** Keep the plain AMQP listener as well (on its own port): the bench compares both on one node. */
  plaintextListener?: boolean;
}

export interface PrivateRabbitOptions {
  tls?: PrivateRabbitTls;
}

/**
 * A RabbitMQ node of its own: `plinth-chaos-<pid>-<port>@localhost` on free ports, data, logs and cookie under
 * `dir`, no plugins. guest/guest may connect over loopback as on the shared broker. With `tls`, an amqps listener
 * with `ssl_options.verify = verify_peer` on 127.0.0.1 and 127.0.0.2 (a loopback address its certificate does not
 * name, for host-name checks), TLS 1.2/1.3 only, and no plain listener unless asked for.
 */
export class PrivateRabbit {
  readonly node: string;
  readonly env: Record<string, string>;
  /** The plain AMQP port (undefined for a TLS-only node). */
  readonly port: number | undefined;
  readonly tlsPort: number | undefined;
  private readonly pidFile: string;

  static async start(dir: string, options: PrivateRabbitOptions = {}): Promise<PrivateRabbit> {
    const rabbit = new PrivateRabbit(dir, await portOutsideCliRange(), await portOutsideCliRange(), options.tls ? await portOutsideCliRange() : undefined, options.tls);
    await rabbit.start();
    return rabbit;
  }

  private constructor(
    readonly dir: string,
    plainPort: number,
    readonly distPort: number,
    tlsPort: number | undefined,
    readonly tls: PrivateRabbitTls | undefined,
  ) {
    this.port = tls && !tls.plaintextListener ? undefined : plainPort;
    this.tlsPort = tlsPort;
    this.node = `plinth-chaos-${process.pid}-${tlsPort ?? plainPort}@localhost`;
    this.pidFile = join(dir, 'node.pid');
    mkdirSync(dir, { recursive: true });
    // Its own cookie in its own HOME, for the server and every rabbitmqctl call: nothing shared with the
    // system node or the developer's ~/.erlang.cookie.
    const cookie = join(dir, '.erlang.cookie');
    rmSync(cookie, { force: true });
    writeFileSync(cookie, `plinthchaos${process.pid}${plainPort}`);
    chmodSync(cookie, 0o400);
    writeFileSync(join(dir, 'enabled_plugins'), '[].\n');
    writeFileSync(join(dir, 'rabbitmq-env.conf'), '');
    writeFileSync(join(dir, 'rabbitmq.conf'), this.configFile());
    this.env = {
      ...(Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== undefined)) as Record<string, string>),
      HOME: dir,
      RABBITMQ_NODENAME: this.node,
      RABBITMQ_DIST_PORT: String(distPort),
      RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
      RABBITMQ_LOG_BASE: join(dir, 'log'),
      RABBITMQ_PID_FILE: this.pidFile,
      RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
      // Not the machine's /etc/rabbitmq files (they pin the shared node's name and listener).
      RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'),
      RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq'),
      RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, 'advanced.config'),
    };
  }

  /** `amqp://` on the plain port, `amqps://` on the TLS port (host given: 127.0.0.2 is not in the certificate). */
  get url(): string {
    if (this.port === undefined) throw new Error(`${this.node} has no plain listener`);
    return `amqp://guest:guest@127.0.0.1:${this.port}`;
  }

  tlsUrl(host = '127.0.0.1'): string {
    if (this.tlsPort === undefined) throw new Error(`${this.node} has no TLS listener`);
    return `amqps://guest:guest@${host}:${this.tlsPort}`;
  }

  private configFile(): string {
    const lines = [this.port === undefined ? 'listeners.tcp = none' : `listeners.tcp.default = 127.0.0.1:${this.port}`];
    if (this.tls && this.tlsPort !== undefined) {
      lines.push(
        `listeners.ssl.1 = 127.0.0.1:${this.tlsPort}`,
        `listeners.ssl.2 = 127.0.0.2:${this.tlsPort}`,
        `ssl_options.cacertfile = ${this.tls.caFile}`,
        `ssl_options.certfile = ${this.tls.certFile}`,
        `ssl_options.keyfile = ${this.tls.keyFile}`,
        'ssl_options.verify = verify_peer',
        `ssl_options.fail_if_no_peer_cert = ${this.tls.requireClientCertificate ? 'true' : 'false'}`,
        'ssl_options.versions.1 = tlsv1.3',
        'ssl_options.versions.2 = tlsv1.2',
      );
    }
    return `${lines.join('\n')}\n`;
  }

  /** rabbitmqctl against this node only. */
  async ctl(...args: string[]): Promise<string> {
    try {
      const { stdout } = await execFileAsync(join(RABBIT_BIN, 'rabbitmqctl'), ['-q', '-n', this.node, ...args], { env: this.env, timeout: 60_000 });
      return stdout;
    } catch (error) {
      const failure = error as { stderr?: string; message: string };
      throw new Error(`rabbitmqctl ${args.join(' ')} on ${this.node} failed: ${(failure.stderr || failure.message).trim()}`);
    }
  }

  /** Boots the node (again, after stop() or kill(): same data directory, so durable queues come back). */
  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(join(RABBIT_BIN, 'rabbitmq-server'), ['-detached'], { env: this.env, stdio: 'ignore' });
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`rabbitmq-server -detached exited ${code}`))));
    });
    await this.waitUntilAccepting();
  }

  /** The AMQP listeners open last in the boot sequence; await_startup then confirms the app is running. */
  async waitUntilAccepting(timeoutMs = 60_000): Promise<void> {
    const port = this.tlsPort ?? this.port ?? 0;
    await waitFor(`${this.node} listening on ${port}`, () => portAccepts(port), timeoutMs);
    await this.ctl('await_startup', '--timeout', String(Math.ceil(timeoutMs / 1000)));
  }

  async stopApp(): Promise<void> {
    await this.ctl('stop_app');
  }

  async startApp(): Promise<void> {
    await this.ctl('start_app');
    await this.waitUntilAccepting();
  }

  get pid(): number | undefined {
    try {
      return Number(readFileSync(this.pidFile, 'utf8').trim()) || undefined;
    } catch {
      return undefined;
    }
  }

  /** kill -9 of the node's beam process: no goodbye to clients, queues recover from disk on start(). */
  async kill(): Promise<void> {
    const pid = this.pid;
    if (!pid) throw new Error(`${this.node}: no pid file`);
    process.kill(pid, 'SIGKILL');
    await waitFor(`${this.node} (pid ${pid}) gone`, () => !processAlive(pid), 10_000);
    rmSync(this.pidFile, { force: true });
  }

  async queueDepths(): Promise<Record<string, { ready: number; unacked: number; consumers: number }>> {
    const out = await this.ctl('list_queues', 'name', 'messages_ready', 'messages_unacknowledged', 'consumers', '--no-table-headers');
    return Object.fromEntries(
      out
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split('\t'))
        .map(([name, ready, unacked, consumers]) => [name, { ready: Number(ready), unacked: Number(unacked), consumers: Number(consumers) }]),
    );
  }

  /** `rabbitmqctl list_connections name ssl …`: the broker's own word on which client connections are TLS. */
  async connections(): Promise<{ name: string; ssl: boolean; protocol: string; peerCertSubject: string; connectionName: string }[]> {
    const out = await this.ctl('list_connections', 'name', 'ssl', 'ssl_protocol', 'peer_cert_subject', 'client_properties', '--no-table-headers');
    return out
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('\t'))
      .map(([name, ssl, protocol, subject, properties]) => ({
        name: name ?? '',
        ssl: ssl === 'true',
        protocol: protocol ?? '',
        peerCertSubject: subject ?? '',
        connectionName: /connection_name\W+(?:longstr\W+)?([^"'\s,}\]]+)/.exec(properties ?? '')?.[1] ?? '',
      }));
  }

  /** Stops the node; kill -9 when it does not go within 30 s. */
  async stop(): Promise<void> {
    const pid = this.pid;
    await this.ctl('stop').catch(() => undefined);
    if (pid && processAlive(pid)) {
      await waitFor(`${this.node} stopped`, () => !processAlive(pid), 30_000).catch(() => process.kill(pid, 'SIGKILL'));
    }
  }
}
