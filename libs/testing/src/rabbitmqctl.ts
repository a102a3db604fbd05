import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { testInfrastructure } from './test-infrastructure.config.js';

const execFileAsync = promisify(execFile);

/** rabbitmqctl is the only admin channel (no management plugin here); each call costs ~0.8 s. */
export async function rabbitmqctl(...args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync(testInfrastructure.rabbitmqctl, ['--quiet', ...args], { timeout: 30_000 });
    return stdout;
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(`rabbitmqctl ${args.join(' ')} failed: ${(stderr || message).trim()}`);
  }
}
