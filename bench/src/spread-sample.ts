/** Evenly spread indexes: `count` of `0..total-1`, first and last included. */
export function spreadSample(total: number, count: number): number[] {
  if (count >= total) return Array.from({ length: total }, (_, index) => index);
  if (count <= 1) return count === 1 ? [0] : [];
  return Array.from({ length: count }, (_, index) => Math.round((index * (total - 1)) / (count - 1)));
}
