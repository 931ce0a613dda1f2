import type { K8sObject } from './k8s-tools.js';

/** A pod of the release (labels and named ports) or anything outside it (ingress controller, Slack, a database). */
export type Endpoint = { pod: Record<string, string>; ports: Record<string, number> } | { external: true };

interface Peer {
  podSelector?: { matchLabels?: Record<string, string> };
  namespaceSelector?: { matchLabels?: Record<string, string> };
  ipBlock?: { cidr: string };
}
interface Rule {
  from?: Peer[];
  to?: Peer[];
  ports?: { port?: number | string; protocol?: string }[];
}
interface PolicySpec {
  podSelector: { matchLabels?: Record<string, string> };
  policyTypes?: string[];
  ingress?: Rule[];
  egress?: Rule[];
}

const selects = (selector: { matchLabels?: Record<string, string> } | undefined, labels: Record<string, string>): boolean =>
  Object.entries(selector?.matchLabels ?? {}).every(([key, value]) => labels[key] === value);

function peerMatches(peer: Peer, endpoint: Endpoint): boolean {
  // Pod IPs lie inside any ipBlock too, so an ipBlock is taken to match pods as well as the outside world.
  if (peer.ipBlock) return true;
  if ('external' in endpoint) return false;
  if (peer.namespaceSelector && Object.keys(peer.namespaceSelector.matchLabels ?? {}).length > 0) return false;
  return peer.podSelector === undefined ? peer.namespaceSelector !== undefined : selects(peer.podSelector, endpoint.pod);
}

function portMatches(rule: Rule, target: Endpoint, port: number): boolean {
  if (!rule.ports || rule.ports.length === 0) return true;
  return rule.ports.some((candidate) => {
    if (candidate.port === undefined) return true;
    if (typeof candidate.port === 'number') return candidate.port === port;
    return 'pod' in target && target.ports[candidate.port] === port;
  });
}

function sideAllows(policies: PolicySpec[], self: Endpoint, other: Endpoint, target: Endpoint, port: number, type: 'Ingress' | 'Egress'): boolean {
  if ('external' in self) return true;
  const isolating = policies.filter((policy) => selects(policy.podSelector, self.pod) && (policy.policyTypes ?? ['Ingress']).includes(type));
  if (isolating.length === 0) return true;
  return isolating.some((policy) =>
    (type === 'Ingress' ? policy.ingress : policy.egress)?.some((rule) => {
      const peers = type === 'Ingress' ? rule.from : rule.to;
      return (!peers || peers.length === 0 || peers.some((peer) => peerMatches(peer, other))) && portMatches(rule, target, port);
    }),
  );
}

/** Whether the rendered NetworkPolicies let `from` open a TCP connection to `to` on `port` (same namespace). */
export function allowsFlow(objects: K8sObject[], from: Endpoint, to: Endpoint, port: number): boolean {
  const policies = objects.filter((object) => object.kind === 'NetworkPolicy').map((object) => object.spec as PolicySpec);
  return sideAllows(policies, from, to, to, port, 'Egress') && sideAllows(policies, to, from, to, port, 'Ingress');
}
