import { Transform } from 'class-transformer';

const NOT_A_NUMBER = Number.NaN;

/** `"3003"` → 3003; anything that is not a plain decimal stays NaN so @IsInt reports it by name. */
export function EnvNumber(): PropertyDecorator {
  return Transform(({ value }) => (typeof value === 'string' ? (/^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : NOT_A_NUMBER) : value));
}

/** `"1000, 5000,15000"` → [1000, 5000, 15000]; a bad element becomes NaN and fails validation. */
export function EnvNumberList(): PropertyDecorator {
  return Transform(({ value }) =>
    typeof value === 'string'
      ? value.split(',').map((item) => (/^\s*-?\d+\s*$/.test(item) ? Number(item) : NOT_A_NUMBER))
      : value,
  );
}

/** `"a.example, b.example"` → ['a.example', 'b.example']; empty items are dropped. */
export function EnvStringList(): PropertyDecorator {
  return Transform(({ value }) =>
    typeof value === 'string' ? value.split(',').map((item) => item.trim()).filter(Boolean) : value,
  );
}

/** `"true"`/`"1"` → true, `"false"`/`"0"` → false; anything else stays a string and fails @IsBoolean. */
export function EnvBoolean(): PropertyDecorator {
  return Transform(({ value }) => {
    if (typeof value !== 'string') return value;
    const normalized = value.trim().toLowerCase();
    if (normalized === 'true' || normalized === '1') return true;
    if (normalized === 'false' || normalized === '0') return false;
    return value;
  });
}
