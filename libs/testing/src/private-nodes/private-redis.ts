import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { freePort } from '../free-port.js';
import { portAccepts, waitFor, type NodeTls } from './node-processes.js';

const REDIS_SERVER = process.env['REDIS_SERVER_BIN'] ?? 'redis-server';

/**
 * A redis-server of its own that speaks TLS only (`--port 0 --tls-port …`), on 127.0.0.1 and 127.0.0.2, no
 * persistence. Client certificates are not required (`--tls-auth-clients optional`): the gateway's Redis trust is
 * the server's certificate plus the network policy.
 */
export class PrivateRedis {
  private readonly exited: Promise<void>;

  static async start(dir: string, tls: NodeTls): Promise<PrivateRedis> {
    const redis = new PrivateRedis(dir, await freePort(), tls);
    await waitFor(`redis-server TLS on ${redis.port}`, async () => {
      if (redis.child.exitCode !== null) throw new Error(`redis-server exited ${redis.child.exitCode}: ${redis.output}`);
      return portAccepts(redis.port);
    }, 15_000);
    return redis;
  }

  private readonly child: ChildProcess;
  private output = '';

  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly tls: NodeTls,
  ) {
    mkdirSync(dir, { recursive: true });
    this.child = spawn(
      REDIS_SERVER,
      [
        '--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '127.0.0.2',
        '--tls-cert-file', tls.certFile, '--tls-key-file', tls.keyFile, '--tls-ca-cert-file', tls.caFile,
        '--tls-auth-clients', 'optional', '--tls-protocols', 'TLSv1.2 TLSv1.3',
        '--save', '', '--appendonly', 'no', '--dir', dir,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  get pid(): number | undefined {
    return this.child.exitCode === null ? this.child.pid : undefined;
  }

  url(host = '127.0.0.1'): string {
    return `rediss://${host}:${this.port}`;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    await this.exited;
  }
}
