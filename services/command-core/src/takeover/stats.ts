import { selectResponseStats, type ResponseStats } from '../db/engagements.js';
import type { Actor, TakeoverContext } from './context.js';

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

/** `4 min 05 s`, `1 h 02 min`, or a dash when nothing was measured. */
export function duration(seconds: number | null): string {
  if (seconds === null) return '–';
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole} s`;
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
  return `${Math.floor(whole / 3600)} h ${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')} min`;
}

function line(stats: ResponseStats): string {
  return `${stats.engagements} engagement${stats.engagements === 1 ? '' : 's'}, ${stats.answered} answered · first response median ${duration(stats.median_seconds)}, p90 ${duration(stats.p90_seconds)}`;
}

/** `/megatron stats`: the integration's engagements opened in the last 7 days and how fast customers got a person, per agent. */
export async function statsSummary(ctx: TakeoverContext, actor: Actor): Promise<string> {
  const until = ctx.clock();
  const { total, agents } = await selectResponseStats(ctx.pool, actor.integration.id, new Date(until.getTime() - WEEK_MS), until);
  const perAgent = agents.map((agent) => `• ${agent.agent_name}: ${line(agent)}`);
  return ['*The last 7 days*', line(total), ...(perAgent.length ? ['*By the agent who answered first*', ...perAgent] : [])].join('\n');
}
