import { chownSync, copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../free-port.js';
import { asDatabaseUser, databaseUserIds, execFileAsync, type NodeTls } from './node-processes.js';

const POSTGRES_BIN =
  process.env['CHAOS_POSTGRES_BIN'] ??
  (() => {
    const [latest] = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
    if (!latest) throw new Error('no PostgreSQL under /usr/lib/postgresql; set CHAOS_POSTGRES_BIN');
    return join('/usr/lib/postgresql', latest, 'bin');
  })();

export interface PrivatePostgresTls extends NodeTls {
  /** pg_hba: TCP only with TLS (`hostssl`); plain TCP has no entry and is refused. Default true. */
  tlsOnly?: boolean;
  /** `hostssl … cert`: clients authenticate with a certificate from `caFile` whose CN is the role. */
  requireClientCertificate?: boolean;
}

export interface PrivatePostgresOptions {
  tls?: PrivatePostgresTls;
}

/**
 * A PostgreSQL cluster of its own in `dir` (trust auth, user postgres, socket in `dir`, loopback only). With `tls`:
 * `ssl = on` with the given certificate, TLS 1.2+, listening on 127.0.0.1 and 127.0.0.2 (a loopback address its
 * certificate does not name), and a pg_hba that accepts TCP only over TLS.
 */
export class PrivatePostgres {
  readonly dataDir: string;
  readonly serverUrl: string;

  static async start(dir: string, options: PrivatePostgresOptions = {}): Promise<PrivatePostgres> {
    const postgres = new PrivatePostgres(dir, await freePort(), options.tls);
    await postgres.init();
    await postgres.start();
    return postgres;
  }

  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly tls: PrivatePostgresTls | undefined,
  ) {
    this.dataDir = join(dir, 'data');
    this.serverUrl = `postgres://postgres@127.0.0.1:${port}`;
  }

  private async run(command: string, args: string[]): Promise<void> {
    const [file, argv] = asDatabaseUser(join(POSTGRES_BIN, command), args);
    try {
      await execFileAsync(file, argv, { timeout: 60_000 });
    } catch (error) {
      const failure = error as { stderr?: string; message: string };
      throw new Error(`${command} ${args.join(' ')} failed: ${(failure.stderr || failure.message).trim()}`);
    }
  }

  private async init(): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    const owner = await databaseUserIds();
    if (owner) chownSync(this.dir, owner.uid, owner.gid);
    // --no-sync and fsync=off: a throwaway cluster; crash safety of the data files is not under test.
    await this.run('initdb', ['-D', this.dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
    if (!this.tls) return;
    // The server insists on owning its key (mode 0600): copies it can own.
    const tlsDir = join(this.dir, 'tls');
    mkdirSync(tlsDir, { recursive: true });
    for (const [from, to] of [[this.tls.certFile, 'server.crt'], [this.tls.keyFile, 'server.key'], [this.tls.caFile, 'ca.crt']] as const) {
      copyFileSync(from, join(tlsDir, to));
      if (owner) chownSync(join(tlsDir, to), owner.uid, owner.gid);
    }
    if (owner) chownSync(tlsDir, owner.uid, owner.gid);
    const method = this.tls.requireClientCertificate ? 'cert' : 'trust';
    writeFileSync(
      join(this.dataDir, 'pg_hba.conf'),
      [
        'local all all trust',
        `hostssl all all 127.0.0.0/8 ${method}`,
        ...(this.tls.tlsOnly === false ? ['host all all 127.0.0.0/8 trust'] : []),
        '',
      ].join('\n'),
    );
    if (owner) chownSync(join(this.dataDir, 'pg_hba.conf'), owner.uid, owner.gid);
  }

  async start(): Promise<void> {
    const tlsDir = join(this.dir, 'tls');
    const tls = this.tls
      ? ` -c ssl=on -c ssl_cert_file=${tlsDir}/server.crt -c ssl_key_file=${tlsDir}/server.key -c ssl_ca_file=${tlsDir}/ca.crt -c ssl_min_protocol_version=TLSv1.2`
      : '';
    const addresses = this.tls ? "'127.0.0.1,127.0.0.2'" : '127.0.0.1';
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=${addresses} -c fsync=off -c max_connections=300${tls}`;
    await this.run('pg_ctl', ['-D', this.dataDir, '-l', join(this.dir, 'postgres.log'), '-w', '-t', '60', '-o', options, 'start']);
  }

  /** Fast shutdown: open sessions are terminated, as in a failover or an operator's restart. */
  async stop(): Promise<void> {
    await this.run('pg_ctl', ['-D', this.dataDir, '-m', 'fast', '-w', '-t', '60', 'stop']);
  }

  /** A query through psql over the server's own socket (no TLS needed): e.g. pg_stat_ssl. Tab-separated rows. */
  async query(sql: string, database = 'postgres'): Promise<string[][]> {
    const [file, argv] = asDatabaseUser(join(POSTGRES_BIN, 'psql'), ['-h', this.dir, '-p', String(this.port), '-U', 'postgres', '-d', database, '-At', '-F', '\t', '-c', sql]);
    const { stdout } = await execFileAsync(file, argv, { timeout: 30_000 });
    return stdout.trim().split('\n').filter(Boolean).map((line) => line.split('\t'));
  }

  databaseUrl(name: string, host = '127.0.0.1'): string {
    return `postgres://postgres@${host}:${this.port}/${name}`;
  }
}
