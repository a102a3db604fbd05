const FALLBACK_FRACTION_DIGITS = 2;

// Building an Intl.NumberFormat costs far more than formatting with one (it was ~5 % of notifications' CPU
// under load); there are few currencies and digit counts, so each is built once.
const fractionDigitsByCurrency = new Map<string, number>();
const formatsByDigits = new Map<number, Intl.NumberFormat>();

/** How many minor units a currency has (EUR 2, JPY 0, KWD 3), per ISO 4217 as ICU knows it. */
const fractionDigitsOf = (currency: string): number => {
  let digits = fractionDigitsByCurrency.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? FALLBACK_FRACTION_DIGITS;
    } catch {
      // A code ICU rejects still deserves a readable amount rather than a failed notification.
      digits = FALLBACK_FRACTION_DIGITS;
    }
    // Bounded: orders only accept three capital letters, so at most 26³ codes, and in practice a handful.
    fractionDigitsByCurrency.set(currency, digits);
  }
  return digits;
};

const formatWith = (digits: number): Intl.NumberFormat => {
  let format = formatsByDigits.get(digits);
  if (format === undefined) {
    format = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
    formatsByDigits.set(digits, format);
  }
  return format;
};

/**
 * `formatMoney(3998, 'EUR')` → `EUR 39.98`. The amount is turned into a decimal string before
 * formatting, never divided as a float, so large totals keep every digit.
 */
export const formatMoney = (minorUnits: number, currency: string): string => {
  const code = currency.toUpperCase();
  const digits = fractionDigitsOf(code);
  const sign = minorUnits < 0 ? '-' : '';
  const padded = BigInt(Math.abs(Math.trunc(minorUnits))).toString().padStart(digits + 1, '0');
  const decimal = digits === 0 ? padded : `${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
  // Intl formats a numeric string exactly (ES2023); a Number would lose digits above 2^53.
  const formatted = formatWith(digits).format(`${sign}${decimal}` as `${number}`);
  return `${code} ${formatted}`;
};
