import { ValidationPipe } from '@nestjs/common';
import { Type } from 'class-transformer';
import { getMetadataStorage, IsInt, IsString, Min, ValidateNested, validateSync } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { cacheValidationMetadata } from './cached-validation-metadata.js';

class Line {
  @IsString() sku!: string;
  @IsInt() @Min(1) quantity!: number;
}

class Base {
  @IsString() currency!: string;
}

class Request extends Base {
  @ValidateNested({ each: true }) @Type(() => Line) items!: Line[];
}

const pipe = new ValidationPipe({ transform: true, whitelist: true, forbidNonWhitelisted: true });
const validateBody = (value: unknown) => pipe.transform(value, { type: 'body', metatype: Request });

describe('cacheValidationMetadata', () => {
  it('validates exactly as before: inherited and nested rules, unknown properties refused', async () => {
    const uncached = validateSync(Object.assign(new Request(), { currency: 1, items: [] }));
    cacheValidationMetadata();
    cacheValidationMetadata(); // idempotent

    await expect(validateBody({ currency: 'EUR', items: [{ sku: 'a', quantity: 2 }] })).resolves.toBeInstanceOf(Request);
    for (let i = 0; i < 3; i++) {
      // the second and third time from the memo: same verdict
      await expect(validateBody({ currency: 7, items: [{ sku: 'a', quantity: 0 }], extra: true })).rejects.toMatchObject({
        response: { message: expect.arrayContaining(['currency must be a string', 'items.0.quantity must not be less than 1', 'property extra should not exist']) },
      });
    }
    expect(validateSync(Object.assign(new Request(), { currency: 1, items: [] }))).toEqual(uncached);
  });

  it('answers repeated look-ups from the memo, with the same arrays', () => {
    cacheValidationMetadata();
    const storage = getMetadataStorage();
    const first = storage.getTargetValidationMetadatas(Request, '', false, false);
    expect(first.map((metadata) => metadata.propertyName)).toEqual(expect.arrayContaining(['currency', 'items']));
    expect(storage.getTargetValidationMetadatas(Request, '', false, false)).toBe(first);
    expect(storage.groupByPropertyName(first)).toBe(storage.groupByPropertyName(first));
  });

  it('forgets the memo when a class with rules is defined later', () => {
    cacheValidationMetadata();
    const storage = getMetadataStorage();
    const before = storage.getTargetValidationMetadatas(Request, '', false, false);
    class Later extends Request {
      @IsString() note!: string;
    }
    expect(storage.getTargetValidationMetadatas(Request, '', false, false)).not.toBe(before);
    expect(validateSync(Object.assign(new Later(), { currency: 'EUR', items: [], note: 3 })).map((error) => error.property)).toEqual(['note']);
  });
});
