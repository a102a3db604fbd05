import { ErrorCodes } from '@plinth/contracts';
import { describe, expect, it } from 'vitest';
import { decodeReply, encodeReply } from './rpc-reply.js';

describe('RPC reply encoding', () => {
  it('round-trips a success reply', () => {
    expect(decodeReply(encodeReply({ ok: true, data: { id: 'x', n: [1, 2] } }))).toEqual({ ok: true, data: { id: 'x', n: [1, 2] } });
  });

  it('round-trips an error reply with details', () => {
    const error = { code: 'ORDERS.NOT_FOUND', message: 'No such order', details: { orderId: 'o1' } };
    expect(decodeReply(encodeReply({ ok: false, error }))).toEqual({ ok: false, error });
  });

  it('decodes a success without data (void handler) as undefined data', () => {
    expect(decodeReply(encodeReply({ ok: true, data: undefined }))).toEqual({ ok: true, data: undefined });
  });

  it.each([
    ['invalid JSON', '{nope'],
    ['a bare value', '42'],
    ['no ok flag', '{"data":1}'],
    ['an error without code', '{"ok":false,"error":{"message":"x"}}'],
  ])('turns %s into an INTERNAL error reply instead of throwing', (_label, raw) => {
    expect(decodeReply(Buffer.from(raw))).toEqual({ ok: false, error: { code: ErrorCodes.INTERNAL, message: 'Malformed RPC reply' } });
  });
});
