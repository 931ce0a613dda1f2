/** Node's received headers (HTTP/1.1 or HTTP/2) as fetch Headers, without HTTP/2's pseudo-headers. */
export function headersFromNode(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (name.startsWith(':') || value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return headers;
}
