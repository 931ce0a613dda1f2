import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError } from '@connectrpc/connect';
import type { RunScheduledJobsRequest } from '@megatron/contracts';
import type { Config } from '../config.js';
import { UnknownJobError } from '../scheduler/scheduler.js';
import type { Takeover } from '../engine.js';

/** A caller's "now" travels over the network before it arrives: this much apart still counts as now. */
const NOW_TOLERANCE_MS = 5_000;

export interface ScheduledJobsAccess {
  appMode: Config['MEGATRON_APP_MODE'];
  /** The running takeover engine, undefined while command-core is still starting. */
  engine(): Pick<Takeover, 'runScheduledJobs'> | undefined;
  now?: () => Date;
}

/**
 * MegatronAdminService.RunScheduledJobs: runs the jobs due at `at` through the engine's scheduler, so a
 * tick any replica already ran is skipped. Another moment than now is a controlled clock, which only a
 * development deployment may use: in production it could archive every channel at once.
 */
export async function runScheduledJobs(access: ScheduledJobsAccess | undefined, req: RunScheduledJobsRequest): Promise<{ items: Array<{ job: string; item: string; outcome: string; error: string }> }> {
  if (!access) throw new ConnectError('scheduled jobs are not run by this server', Code.Unimplemented);
  const now = (access.now ?? (() => new Date()))();
  const at = req.at ? timestampDate(req.at) : undefined;
  if (at !== undefined && Number.isNaN(at.getTime())) throw new ConnectError('at: not a valid timestamp', Code.InvalidArgument);
  if (at !== undefined && Math.abs(at.getTime() - now.getTime()) > NOW_TOLERANCE_MS && access.appMode !== 'megatron-dev') {
    throw new ConnectError(
      `at: running jobs at another time than now (${at.toISOString()}) needs MEGATRON_APP_MODE=megatron-dev; this server runs ${access.appMode}`,
      Code.FailedPrecondition,
    );
  }
  const engine = access.engine();
  if (!engine) throw new ConnectError('command-core is starting (waiting for NATS); retry shortly', Code.Unavailable);
  try {
    const items = await engine.runScheduledJobs({ ...(at ? { at } : {}), ...(req.job === '' ? {} : { job: req.job }) });
    return { items: items.map((item) => ({ ...item, error: item.error ?? '' })) };
  } catch (error) {
    if (error instanceof UnknownJobError) throw new ConnectError(`job: ${error.message}`, Code.InvalidArgument);
    throw error;
  }
}
