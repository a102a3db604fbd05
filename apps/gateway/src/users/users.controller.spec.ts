import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { UsersRpc, type UserProfile } from '@plinth/contracts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGatewayTestApp, type GatewayTestApp } from '../../test/support/gateway-test-app.js';

let t: GatewayTestApp;
let userId: string;
let token: string;
let adminToken: string;
const profile = (overrides: Partial<UserProfile> = {}): UserProfile => ({
  id: userId,
  email: 'ada@example.com',
  displayName: 'Ada',
  emailVerified: false,
  createdAt: '2026-11-24T12:00:00.000Z',
  updatedAt: '2026-11-24T12:00:00.000Z',
  ...overrides,
});
const http = () => request(t.app.getHttpServer());

beforeAll(async () => {
  t = await createGatewayTestApp();
  userId = randomUUID();
  token = await t.token({ sub: userId, roles: ['user'] });
  adminToken = await t.token({ roles: ['user', 'admin'] });
});
afterAll(() => t.close());
beforeEach(() => t.rpc.clearCalls());

describe('users routes', () => {
  it('GET /v1/users/me asks for the caller\'s own profile', async () => {
    t.rpc.reply(UsersRpc.getProfile, profile());
    const res = await http().get('/v1/users/me').set('authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(profile());
    expect(t.rpc.payloadsOf(UsersRpc.getProfile)).toEqual([{ actor: { userId, roles: ['user'] }, userId }]);
  });

  it('shapes responses by allow-list: fields a service adds do not leak', async () => {
    t.rpc.reply(UsersRpc.getProfile, { ...profile(), passwordHash: '$argon2id$…' });
    const res = await http().get('/v1/users/me').set('authorization', `Bearer ${token}`);
    expect(res.body).not.toHaveProperty('passwordHash');
  });

  it('PATCH /v1/users/me updates the display name', async () => {
    t.rpc.reply(UsersRpc.updateProfile, profile({ displayName: 'Ada King' }));
    const res = await http().patch('/v1/users/me').set('authorization', `Bearer ${token}`).send({ displayName: 'Ada King' });
    expect(res.status).toBe(200);
    expect(res.body.displayName).toBe('Ada King');
    expect(t.rpc.payloadsOf(UsersRpc.updateProfile)).toEqual([{ actor: { userId, roles: ['user'] }, userId, displayName: 'Ada King' }]);
  });

  it.each(['email', 'id'])('PATCH /v1/users/me refuses an attempt to change %s with 400', async (field) => {
    const res = await http().patch('/v1/users/me').set('authorization', `Bearer ${token}`).send({ displayName: 'Ada', [field]: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field, message: expect.any(String) }]);
    expect(t.rpc.payloadsOf(UsersRpc.updateProfile)).toEqual([]);
  });

  it('GET /v1/users (admin) lists with limit, cursor and email prefix', async () => {
    t.rpc.reply(UsersRpc.list, { items: [profile()], nextCursor: null });
    const res = await http().get('/v1/users?limit=5&cursor=c1&email=ada').set('authorization', `Bearer ${adminToken}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [profile()], nextCursor: null });
    expect(t.rpc.payloadsOf(UsersRpc.list)[0]).toMatchObject({ limit: 5, cursor: 'c1', email: 'ada' });
  });

  it.each(['0', '101', 'abc'])('GET /v1/users refuses limit=%s with 400', async (limit) => {
    const res = await http().get(`/v1/users?limit=${limit}`).set('authorization', `Bearer ${adminToken}`);
    expect(res.status).toBe(400);
    expect(res.body.errors.every((error: { field: string }) => error.field === 'limit')).toBe(true);
  });

  it('GET /v1/users/:id (admin) fetches that profile', async () => {
    t.rpc.reply(UsersRpc.getProfile, profile());
    await http().get(`/v1/users/${userId}`).set('authorization', `Bearer ${adminToken}`).expect(200);
    expect(t.rpc.payloadsOf(UsersRpc.getProfile)[0]).toMatchObject({ userId });
  });

  it('GET /v1/users/:id refuses a non-UUID with 400', async () => {
    const res = await http().get('/v1/users/42').set('authorization', `Bearer ${adminToken}`);
    expect(res.status).toBe(400);
    expect(t.rpc.payloadsOf(UsersRpc.getProfile)).toEqual([]);
  });
});
