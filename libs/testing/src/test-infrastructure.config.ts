/** Where test fixtures find the shared servers; override to run the suites against other hosts. */
export const testInfrastructure = {
  databaseServerUrl: process.env['TEST_DATABASE_SERVER_URL'] ?? 'postgres://postgres@127.0.0.1:5432',
  rabbitmqUrl: process.env['TEST_RABBITMQ_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672',
  rabbitmqctl: process.env['RABBITMQCTL'] ?? 'rabbitmqctl',
  /** The environment inherited by spawned services (PATH, HOME…), minus anything they configure. */
  inheritedEnv: (): Record<string, string> =>
    Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined)),
} as const;
