import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import {
  CommandSchema,
  PlatformType,
  RequestContextSchema,
  TargetSchema,
  type Command,
  type CommandOrigin,
  type CustomerVerb,
  type Target,
} from '@megatron/contracts';

export type CommandKind = MessageInitShape<typeof CommandSchema>['kind'];
export type ContextInit = MessageInitShape<typeof RequestContextSchema>;

/** Every Command the interpreter builds: Slack as platform, the moment the request arrived, and where it came from. */
export function newCommand(init: { id: string; receivedAtMs: number; context: ContextInit; origin: CommandOrigin; kind: CommandKind }): Command {
  return create(CommandSchema, {
    id: init.id,
    receivedAt: timestampFromMs(init.receivedAtMs),
    platform: PlatformType.SLACK,
    context: create(RequestContextSchema, init.context),
    origin: init.origin,
    kind: init.kind,
  });
}

/** The Command variant of a verb, whether typed, clicked or picked from a select. */
export function verbKind(verb: CustomerVerb, target: Target, text = ''): CommandKind {
  const value = { target };
  switch (verb) {
    case 'open':
      return { case: 'open', value };
    case 'close':
      return { case: 'close', value };
    case 'pause':
      return { case: 'pause', value };
    case 'unpause':
      return { case: 'unpause', value };
    case 'claim':
      return { case: 'claim', value };
    case 'clear-context':
      return { case: 'clearContext', value };
    case 'do':
      return { case: 'do', value: { ...value, text } };
  }
}

/** A name to resolve through search_user, or nothing: the customer of the channel the verb runs in. */
export function targetByName(name: string | undefined): Target {
  return create(TargetSchema, name === undefined ? {} : { kind: { case: 'name', value: name } });
}

export function targetByUser(teamId: string, userId: string): Target {
  return create(TargetSchema, { kind: { case: 'user', value: { teamId, userId } } });
}
