import { describe, expect, it } from 'vitest';
import { Profile } from './profile.entity.js';
import { toUserProfile } from './profile.mapper.js';

describe('toUserProfile', () => {
  it('copies exactly the contract fields, with ISO timestamps', () => {
    const profile = Object.assign(new Profile(), {
      id: '0192f3a4-0000-7000-8000-000000000001',
      email: 'ada@example.com',
      displayName: 'Ada',
      emailVerified: true,
      createdAt: new Date('2026-11-24T10:00:00.123Z'),
      updatedAt: new Date('2026-11-24T11:00:00.456Z'),
      internalNote: 'must not leak',
    });

    expect(toUserProfile(profile)).toStrictEqual({
      id: '0192f3a4-0000-7000-8000-000000000001',
      email: 'ada@example.com',
      displayName: 'Ada',
      emailVerified: true,
      createdAt: '2026-11-24T10:00:00.123Z',
      updatedAt: '2026-11-24T11:00:00.456Z',
    });
  });
});
