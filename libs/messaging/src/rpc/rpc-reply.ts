import { ErrorCodes, type ErrorBody } from '@plinth/contracts';

/** What travels back to the caller's reply queue. */
export type RpcReply<T = unknown> = { ok: true; data: T } | { ok: false; error: ErrorBody };

export const encodeReply = (reply: RpcReply): Buffer => Buffer.from(JSON.stringify(reply));

const malformed: RpcReply<never> = {
  ok: false,
  error: { code: ErrorCodes.INTERNAL, message: 'Malformed RPC reply' },
};

/** Never throws: anything that is not a well-formed reply becomes an INTERNAL error reply. */
export function decodeReply(content: Buffer): RpcReply {
  let reply: unknown;
  try {
    reply = JSON.parse(content.toString('utf8'));
  } catch {
    return malformed;
  }
  if (typeof reply !== 'object' || reply === null) return malformed;
  const candidate = reply as { ok?: unknown; data?: unknown; error?: unknown };
  if (candidate.ok === true) return { ok: true, data: candidate.data };
  if (candidate.ok === false && isErrorBody(candidate.error)) return { ok: false, error: candidate.error };
  return malformed;
}

export function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const body = value as Partial<ErrorBody>;
  return typeof body.code === 'string' && typeof body.message === 'string'
    && (body.details === undefined || (typeof body.details === 'object' && body.details !== null));
}
