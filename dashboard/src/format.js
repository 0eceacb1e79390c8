// Formatting of chain figures. Balances are BigInts in the chain's smallest unit; rates come as
// the raw integers of their fixed-point types (FixedU128 and FixedI128: 10^18 is one; Perbill:
// 10^9 is one).

export const FIXED_ONE = 10n ** 18n;
export const PERBILL_ONE = 1_000_000_000n;

let token = { decimals: 12, symbol: 'UNIT' };

/** Take the token's decimals and symbol from the chain's properties. */
export function setToken(decimals, symbol) {
  token = { decimals, symbol };
}

function grouped(digits) {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `amount` (BigInt, smallest unit) as whole tokens with up to `places` decimals. */
export function units(amount, places = 2) {
  const negative = amount < 0n;
  const abs = negative ? -amount : amount;
  const scale = 10n ** BigInt(token.decimals);
  const whole = abs / scale;
  const cut = 10n ** BigInt(Math.max(token.decimals - places, 0));
  const fraction = ((abs % scale) / cut).toString().padStart(places, '0');
  const text = places > 0 ? `${grouped(whole.toString())}.${fraction}` : grouped(whole.toString());
  return `${negative ? '−' : ''}${text} ${token.symbol}`;
}

/** A fixed-point rate (10^18 = 1) as a percentage with two decimals. */
export function fixedPercent(raw) {
  const negative = raw < 0n;
  const abs = negative ? -raw : raw;
  // Hundredths of a per cent: raw × 10,000 / 10^18.
  const hundredths = (abs * 10_000n) / FIXED_ONE;
  const text = `${grouped((hundredths / 100n).toString())}.${(hundredths % 100n).toString().padStart(2, '0')} %`;
  return negative ? `−${text}` : text;
}

/** A fixed-point number (10^18 = 1) with four decimals. */
export function fixedDecimal(raw) {
  const tenThousandths = (raw * 10_000n) / FIXED_ONE;
  return `${grouped((tenThousandths / 10_000n).toString())}.${(tenThousandths % 10_000n).toString().padStart(4, '0')}`;
}

/**
 * A Perbill (10^9 = 1) as a percentage: two decimals, or as many as a figure below 0.01 %
 * needs (a premium per block is often a few millionths of a per cent).
 */
export function perbillPercent(parts) {
  const value = BigInt(parts);
  if (value > 0n && value < 100_000n) {
    // 10^-7 % per part: seven decimals, trailing zeros dropped.
    return `0.${value.toString().padStart(7, '0').replace(/0+$/, '')} %`;
  }
  const hundredths = (value * 10_000n) / PERBILL_ONE;
  return `${hundredths / 100n}.${(hundredths % 100n).toString().padStart(2, '0')} %`;
}

/** `amount × parts / 10^9`, rounded down: a Perbill of a balance. */
export function perbillOf(parts, amount) {
  return (amount * BigInt(parts)) / PERBILL_ONE;
}

/** A short form of an SS58 address. */
export function short(address) {
  const text = address.toString();
  return text.length > 16 ? `${text.slice(0, 6)}…${text.slice(-6)}` : text;
}

/** Blocks from now to `block`, with the time they take at `blockMs` each. */
export function countdown(block, head, blockMs) {
  const left = Number(block) - Number(head);
  if (left <= 0) return 'now';
  const seconds = Math.round((left * blockMs) / 1000);
  const time = seconds >= 120 ? `${Math.round(seconds / 60)} min` : `${seconds} s`;
  return `in ${left} blocks (~${time})`;
}

/** Escape text for HTML. */
export function esc(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({
    '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
  })[c]);
}
