import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, isEmail, isIn, isISO8601, isUUID, validateSync } from 'class-validator';
import { describe, expect, it } from 'vitest';
import * as contracts from '../index.js';
import { RegisterRequest } from '../auth/auth.requests.js';
import { IS_WELL_FORMED_TEXT, isWellFormedText } from './well-formed-text.js';

const HOSTILE = [['a NUL', 'ab\u0000cd'], ['a lone low surrogate', 'ab\udfffcd'], ['a lone high surrogate', 'ab\ud800'], ['a reversed pair', '\udc00\ud800']];

// These validators accept a closed ASCII alphabet (a UUID, one of a few literals, an ISO 8601 timestamp), so
// they refuse NUL and surrogates by themselves (proven below); every other string field needs the text rule.
const CLOSED_ALPHABET_RULES = new Set(['isUuid', 'isIn', 'isIso8601']);

type ContractClass = abstract new (...args: never[]) => object;
const validatedClasses = (): [string, ContractClass][] =>
  Object.entries(contracts as Record<string, unknown>)
    .filter((entry): entry is [string, ContractClass] => typeof entry[1] === 'function')
    .filter(([, cls]) => getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false).length > 0);

const stringFields = (cls: ContractClass): string[] => [
  ...new Set(getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false).map((metadata) => metadata.propertyName)),
].filter((property) => Reflect.getMetadata('design:type', cls.prototype, property) === String);

const stringFieldsWithoutTheRule = (cls: ContractClass): string[] => {
  const rules = new Map<string, Set<string>>();
  for (const metadata of getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false)) {
    const names = rules.get(metadata.propertyName) ?? new Set<string>();
    if (metadata.name) names.add(metadata.name);
    rules.set(metadata.propertyName, names);
  }
  return [...rules]
    .filter(([property]) => Reflect.getMetadata('design:type', cls.prototype, property) === String)
    .filter(([, names]) => !names.has(IS_WELL_FORMED_TEXT) && ![...names].some((name) => CLOSED_ALPHABET_RULES.has(name)))
    .map(([property]) => property);
};

describe('the well-formed text rule', () => {
  it.each(HOSTILE)('refuses a string with %s', (_case, value) => expect(isWellFormedText(value)).toBe(false));

  it.each([['plain ASCII', 'Ada Lovelace'], ['accents', 'Zoë Ångström'], ['a surrogate pair (emoji)', 'ok 👍'], ['CJK', '漢字'], ['empty', '']])(
    'accepts %s',
    (_case, value) => expect(isWellFormedText(value)).toBe(true),
  );

  it('leaves non-strings to the type rules', () => {
    for (const value of [undefined, null, 42, {}, ['a\u0000']]) expect(isWellFormedText(value)).toBe(true);
  });

  it('names the field in its error', () => {
    const errors = validateSync(plainToInstance(RegisterRequest, { email: 'ada@example.com', password: 'correct horse battery staple', displayName: 'Ada\u0000' }));
    expect(errors.map((error) => [error.property, Object.keys(error.constraints ?? {})])).toEqual([['displayName', [IS_WELL_FORMED_TEXT]]]);
    expect(errors[0]?.constraints?.[IS_WELL_FORMED_TEXT]).toBe('displayName must not contain NUL characters or unpaired UTF-16 surrogates');
  });

  it('is on every string field of every contract class', () => {
    const classes = validatedClasses();
    expect(classes.length).toBeGreaterThan(20);
    const missing = classes.flatMap(([name, cls]) => stringFieldsWithoutTheRule(cls).map((property) => `${name}.${property}`));
    expect(missing).toEqual([]);
  });

  it.each(HOSTILE)('every string field of every contract class refuses %s without any validator throwing', (_case, value) => {
    for (const [name, cls] of validatedClasses()) {
      const fields = stringFields(cls);
      const plain = Object.fromEntries(fields.map((field) => [field, value]));
      const errors = validateSync(plainToInstance(cls as new () => object, plain));
      expect(fields.filter((field) => !errors.some((error) => error.property === field)), name).toEqual([]);
    }
  });

  it('guards IsEmail: validator.js alone throws on an unpaired surrogate', () => {
    expect(() => isEmail('ab\udfff@example.com')).toThrow(URIError);
    const errors = validateSync(plainToInstance(contracts.LoginRequest, { email: 'ab\udfff@example.com', password: 'x' }));
    expect(Object.keys(errors.find((error) => error.property === 'email')?.constraints ?? {}).sort()).toEqual(['isEmail', IS_WELL_FORMED_TEXT]);
  });

  it.each(HOSTILE)('is not needed where a closed-alphabet rule already refuses %s', (_case, value) => {
    expect(isUUID(`0193b0b2-7c1a-7cc0-8b3e-2f1d5a6b${value}`)).toBe(false);
    expect(isIn(`user${value}`, ['user', 'admin'])).toBe(false);
    expect(isISO8601(`2026-11-24T12:00:00.000Z${value}`, { strict: true })).toBe(false);
  });
});
