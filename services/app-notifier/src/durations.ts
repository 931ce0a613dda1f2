const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** `"5s,30s,2m"` → `[5000, 30000, 120000]`; throws naming the part that is not a duration. */
export function parseDurationList(text: string): number[] {
  const parts = text.split(',').map((part) => part.trim());
  if (parts.length === 1 && parts[0] === '') throw new Error('expected at least one duration such as 5s');
  return parts.map((part) => {
    const match = /^(\d+)(ms|s|m|h)$/.exec(part);
    const amount = match?.[1];
    const unit = match?.[2];
    if (amount === undefined || unit === undefined) throw new Error(`"${part}" is not a duration like 100ms, 5s, 2m or 1h`);
    const ms = Number(amount) * (UNIT_MS[unit] ?? 0);
    if (ms <= 0) throw new Error(`"${part}" must be longer than zero`);
    return ms;
  });
}
