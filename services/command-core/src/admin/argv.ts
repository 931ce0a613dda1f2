import { parseArgs } from 'node:util';

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface ParsedArgs {
  positionals: string[];
  options: Record<string, string | boolean | undefined>;
}

/** Strict parsing: an unknown option or a missing value is a usage error naming it, never ignored. */
export function parseCommandArgs(args: string[], options: Record<string, 'string' | 'boolean'>): ParsedArgs {
  try {
    const parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: Object.fromEntries(Object.entries(options).map(([name, type]) => [name, { type }])),
    });
    return { positionals: parsed.positionals, options: parsed.values as Record<string, string | boolean | undefined> };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

export function positional(parsed: ParsedArgs, index: number, name: string): string {
  const value = parsed.positionals[index];
  if (value === undefined || value === '') throw new UsageError(`missing <${name}>`);
  return value;
}

export function expectPositionals(parsed: ParsedArgs, count: number): void {
  if (parsed.positionals.length > count) throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[count])}`);
}

export function stringOption(parsed: ParsedArgs, name: string): string | undefined {
  const value = parsed.options[name];
  return typeof value === 'string' ? value : undefined;
}

export function requiredOption(parsed: ParsedArgs, name: string): string {
  const value = stringOption(parsed, name);
  if (value === undefined || value === '') throw new UsageError(`missing --${name}`);
  return value;
}

export function integerOption(parsed: ParsedArgs, name: string, fallback: number): number {
  const value = stringOption(parsed, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number, got ${JSON.stringify(value)}`);
  return Number(value);
}
