// Shared by the private nodes: ports, waiting, processes, running as the database user.
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { freePort } from '../free-port.js';

export const execFileAsync = promisify(execFile);

// rabbitmqctl's own Erlang distribution listens on 35672–35682 (RABBITMQ_CTL_DIST_PORT_MIN..MAX): a node
// given one of those ports fails with eaddrinuse as soon as a CLI call is running.
const CLI_DIST_PORTS = { min: 35672, max: 35682 };

export async function portOutsideCliRange(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port < CLI_DIST_PORTS.min || port > CLI_DIST_PORTS.max) return port;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function portAccepts(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`${what} not reached within ${timeoutMs} ms`);
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const isRoot = (): boolean => process.getuid?.() === 0;

/** initdb and postgres refuse to run as root: as root, they run as the `postgres` user. */
export const asDatabaseUser = (command: string, args: string[]): [string, string[]] =>
  isRoot() ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];

/** The `postgres` user's ids when running as root (files the server must own); undefined otherwise. */
export async function databaseUserIds(): Promise<{ uid: number; gid: number } | undefined> {
  if (!isRoot()) return undefined;
  const [uid, gid] = await Promise.all([execFileAsync('id', ['-u', 'postgres']), execFileAsync('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
}

/** The TLS material of a private node: its certificate and key, and the CA it trusts for client certificates. */
export interface NodeTls {
  certFile: string;
  keyFile: string;
  caFile: string;
}
