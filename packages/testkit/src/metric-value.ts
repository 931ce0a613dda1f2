/** The sum of a Prometheus counter or gauge over the series whose labels pass `filter`, read from `<httpUrl>/metrics`. */
export async function metricValue(httpUrl: string, name: string, filter: (labels: string) => boolean = () => true): Promise<number> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = new RegExp(`^${name}(?:\\{([^}]*)\\})? (\\S+)$`).exec(line);
    if (match?.[2] && filter(match[1] ?? '')) sum += Number(match[2]);
  }
  return sum;
}
