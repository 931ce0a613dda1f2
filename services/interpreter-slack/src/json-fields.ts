/** Reading Slack's JSON defensively: a field of the wrong type counts as absent. */
export type JsonObject = Record<string, unknown>;

export const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

export const objectAt = (from: unknown, key: string): JsonObject | undefined => {
  const value = isObject(from) ? from[key] : undefined;
  return isObject(value) ? value : undefined;
};

export const stringAt = (from: unknown, key: string): string | undefined => {
  const value = isObject(from) ? from[key] : undefined;
  return typeof value === 'string' ? value : undefined;
};

export const arrayAt = (from: unknown, key: string): unknown[] => {
  const value = isObject(from) ? from[key] : undefined;
  return Array.isArray(value) ? value : [];
};
