// Private RabbitMQ and PostgreSQL instances for chaos runs. Other engineers' tests run on the shared
// servers (5672, 5432) at the same time, so every scenario that stops or kills the broker or the database
// does it to a node of its own: its own node name, ports, data directory and Erlang cookie.
import { execFile, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@plinth/testing';

const execFileAsync = promisify(execFile);
const RABBIT_BIN = process.env.CHAOS_RABBITMQ_BIN ?? '/usr/lib/rabbitmq/bin';
// rabbitmqctl's own Erlang distribution listens on 35672–35682 (RABBITMQ_CTL_DIST_PORT_MIN..MAX): a node
// given one of those ports fails with eaddrinuse as soon as a CLI call is running.
const CLI_DIST_PORTS = { min: 35672, max: 35682 };

async function portOutsideCliRange() {
  for (;;) {
    const port = await freePort();
    if (port < CLI_DIST_PORTS.min || port > CLI_DIST_PORTS.max) return port;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function portAccepts(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function waitFor(what, check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`${what} not reached within ${timeoutMs} ms`);
}

function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A RabbitMQ node of its own: `plinth-chaos-<pid>-<n>@localhost` on free ports, data, logs and cookie under
 * `dir`, no plugins. guest/guest may connect over loopback as on the shared broker.
 */
export class PrivateRabbit {
  static async start(dir) {
    const rabbit = new PrivateRabbit(dir, await portOutsideCliRange(), await portOutsideCliRange());
    await rabbit.start();
    return rabbit;
  }

  constructor(dir, port, distPort) {
    this.dir = dir;
    this.port = port;
    this.distPort = distPort;
    this.node = `plinth-chaos-${process.pid}-${port}@localhost`;
    this.url = `amqp://guest:guest@127.0.0.1:${port}`;
    mkdirSync(dir, { recursive: true });
    // Its own cookie in its own HOME, for the server and every rabbitmqctl call: nothing shared with the
    // system node or the developer's ~/.erlang.cookie.
    const cookie = join(dir, '.erlang.cookie');
    writeFileSync(cookie, `plinthchaos${process.pid}${port}`);
    chmodSync(cookie, 0o400);
    writeFileSync(join(dir, 'enabled_plugins'), '[].\n');
    writeFileSync(join(dir, 'rabbitmq-env.conf'), '');
    this.env = {
      ...process.env,
      HOME: dir,
      RABBITMQ_NODENAME: this.node,
      RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
      RABBITMQ_NODE_PORT: String(port),
      RABBITMQ_DIST_PORT: String(distPort),
      RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
      RABBITMQ_LOG_BASE: join(dir, 'log'),
      RABBITMQ_PID_FILE: join(dir, 'node.pid'),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
      // Not the machine's /etc/rabbitmq files (they pin the shared node's name and listener).
      RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'),
      RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq'),
      RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, 'advanced.config'),
    };
  }

  /** rabbitmqctl against this node only. */
  async ctl(...args) {
    try {
      const { stdout } = await execFileAsync(join(RABBIT_BIN, 'rabbitmqctl'), ['-q', '-n', this.node, ...args], { env: this.env, timeout: 60_000 });
      return stdout;
    } catch (error) {
      throw new Error(`rabbitmqctl ${args.join(' ')} on ${this.node} failed: ${(error.stderr || error.message).trim()}`);
    }
  }

  /** Boots the node (again, after stop() or kill(): same data directory, so durable queues come back). */
  async start() {
    await new Promise((resolve, reject) => {
      const child = spawn(join(RABBIT_BIN, 'rabbitmq-server'), ['-detached'], { env: this.env, stdio: 'ignore' });
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`rabbitmq-server -detached exited ${code}`))));
    });
    await this.waitUntilAccepting();
  }

  /** The AMQP listener opens last in the boot sequence; await_startup then confirms the app is running. */
  async waitUntilAccepting(timeoutMs = 60_000) {
    await waitFor(`${this.node} listening on ${this.port}`, () => portAccepts(this.port), timeoutMs);
    await this.ctl('await_startup', '--timeout', String(Math.ceil(timeoutMs / 1000)));
  }

  async stopApp() {
    await this.ctl('stop_app');
  }

  async startApp() {
    await this.ctl('start_app');
    await this.waitUntilAccepting();
  }

  get pid() {
    try {
      return Number(readFileSync(this.env.RABBITMQ_PID_FILE, 'utf8').trim()) || undefined;
    } catch {
      return undefined;
    }
  }

  /** kill -9 of the node's beam process: no goodbye to clients, queues recover from disk on start(). */
  async kill() {
    const pid = this.pid;
    if (!pid) throw new Error(`${this.node}: no pid file`);
    process.kill(pid, 'SIGKILL');
    await waitFor(`${this.node} (pid ${pid}) gone`, () => !processAlive(pid), 10_000);
    rmSync(this.env.RABBITMQ_PID_FILE, { force: true });
  }

  async queueDepths() {
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

  /** Stops the node; kill -9 when it does not go within 30 s. */
  async stop() {
    const pid = this.pid;
    await this.ctl('stop').catch(() => undefined);
    if (pid && processAlive(pid)) {
      await waitFor(`${this.node} stopped`, () => !processAlive(pid), 30_000).catch(() => process.kill(pid, 'SIGKILL'));
    }
  }
}

const POSTGRES_BIN =
  process.env.CHAOS_POSTGRES_BIN ??
  (() => {
    const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
    if (versions.length === 0) throw new Error('no PostgreSQL under /usr/lib/postgresql; set CHAOS_POSTGRES_BIN');
    return join('/usr/lib/postgresql', versions[0], 'bin');
  })();

/** initdb and postgres refuse to run as root: as root, they run as the `postgres` user. */
const asDatabaseUser = (command, args) =>
  process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];

/** A PostgreSQL cluster of its own in `dir` (trust auth, user postgres, socket in `dir`, loopback only). */
export class PrivatePostgres {
  static async start(dir) {
    const postgres = new PrivatePostgres(dir, await freePort());
    await postgres.init();
    await postgres.start();
    return postgres;
  }

  constructor(dir, port) {
    this.dir = dir;
    this.port = port;
    this.dataDir = join(dir, 'data');
    this.serverUrl = `postgres://postgres@127.0.0.1:${port}`;
  }

  async run(command, args) {
    const [file, argv] = asDatabaseUser(join(POSTGRES_BIN, command), args);
    try {
      await execFileAsync(file, argv, { timeout: 60_000 });
    } catch (error) {
      throw new Error(`${command} ${args.join(' ')} failed: ${(error.stderr || error.message).trim()}`);
    }
  }

  async init() {
    mkdirSync(this.dir, { recursive: true });
    if (process.getuid?.() === 0) {
      const { uid, gid } = await execFileAsync('id', ['-u', 'postgres']).then(async ({ stdout }) => ({
        uid: Number(stdout),
        gid: Number((await execFileAsync('id', ['-g', 'postgres'])).stdout),
      }));
      chownSync(this.dir, uid, gid);
    }
    // --no-sync and fsync=off: a throwaway cluster; crash safety of the data files is not under test.
    await this.run('initdb', ['-D', this.dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
  }

  async start() {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300`;
    await this.run('pg_ctl', ['-D', this.dataDir, '-l', join(this.dir, 'postgres.log'), '-w', '-t', '60', '-o', options, 'start']);
  }

  /** Fast shutdown: open sessions are terminated, as in a failover or an operator's restart. */
  async stop() {
    await this.run('pg_ctl', ['-D', this.dataDir, '-m', 'fast', '-w', '-t', '60', 'stop']);
  }

  databaseUrl(name) {
    return `${this.serverUrl}/${name}`;
  }
}
