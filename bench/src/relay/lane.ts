/** One conversation under load: an agent writing in an integration channel, relayed to one customer's DM. */
export interface Lane {
  teamId: string;
  agentId: string;
  channel: string;
  dm: string;
}
