// One running system per spec file: all services as separate processes on their own databases and vhost.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serviceNames, startSystem, type RunningSystem, type ServiceName, type StartSystemOptions } from '@plinth/testing';

export const ADMIN = { email: 'admin@example.com', password: 'e2e admin password 0001' } as const;

// The whole suite is one client address: the per-address limit on credential routes (60/min by
// default) would otherwise throttle the suite's own registrations and logins.
const E2E_ENV = { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, AUTH_RATE_LIMIT_PER_MINUTE: '1000' };

// Outside the repo: kept after a run so a failure can be read against what each service logged.
const LOG_DIR = '/tmp/plinth/e2e-logs';

// Five Nest processes importing their module graphs at once on two shared cores: under load, booting
// alone can take a minute or more, so readiness gets a generous budget (SYSTEM_START_TIMEOUT_MS covers it).
const READY_TIMEOUT_MS = 150_000;
export const SYSTEM_START_TIMEOUT_MS = READY_TIMEOUT_MS + 60_000;

/**
 * Every service but catalog: orders keeps the status a spec gives it (no stock saga confirms an order behind its
 * back), and prices come from the harness's catalog stand-in. For specs about the order lifecycle as the owner
 * and an admin drive it (start and stop the system with these).
 */
export const SERVICES_WITHOUT_SAGA: readonly ServiceName[] = serviceNames.filter((name) => name !== 'catalog');

export async function startE2eSystem(options: StartSystemOptions = {}): Promise<RunningSystem> {
  return startSystem({ readyTimeoutMs: READY_TIMEOUT_MS, ...options, env: { ...E2E_ENV, ...options.env } });
}

/** Writes each service's captured output to LOG_DIR/<label>-<service>.log, then stops the system. */
export async function stopE2eSystem(
  system: RunningSystem | undefined,
  label: string,
  services: readonly ServiceName[] = serviceNames,
): Promise<void> {
  if (!system) return;
  try {
    await system.stop();
  } finally {
    mkdirSync(LOG_DIR, { recursive: true });
    for (const service of services) writeFileSync(join(LOG_DIR, `${label}-${service}.log`), system.logs(service));
  }
}
