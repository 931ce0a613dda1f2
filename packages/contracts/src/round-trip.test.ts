import { create, fromBinary, fromJsonString, toBinary, toJsonString } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  AppCommandSchema,
  CommandOrigin,
  CommandSchema,
  PlatformType,
  type AppCommand,
  type Command,
} from './index.js';

const context = {
  teamId: 'T0INTEGRATION',
  channelId: 'C0ENGAGE',
  userId: 'U0AGENT',
  responseUrl: 'https://hooks.slack.com/commands/T0/1/abc',
  triggerId: '398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
};

const commands: Command[] = [
  create(CommandSchema, {
    id: 'slash:398738663015',
    platform: PlatformType.SLACK,
    origin: CommandOrigin.SLASH_COMMAND,
    receivedAt: timestampFromDate(new Date('2026-11-24T10:00:00Z')),
    context,
    kind: { case: 'open', value: { target: { kind: { case: 'name', value: 'phil' } } } },
  }),
  create(CommandSchema, {
    id: 'action:1',
    origin: CommandOrigin.USER_SELECT,
    context,
    kind: { case: 'pause', value: { target: { kind: { case: 'user', value: { teamId: 'T0CUSTOMER', userId: 'U0PHIL' } } } } },
  }),
  create(CommandSchema, { id: 'slash:2', context, kind: { case: 'do', value: { text: 'send the invoice again' } } }),
  create(CommandSchema, {
    id: 'event:Ev1',
    origin: CommandOrigin.EVENT,
    context: { ...context, eventId: 'Ev1' },
    kind: {
      case: 'fileShare',
      value: {
        channelId: 'C0ENGAGE',
        userId: 'U0AGENT',
        ts: '1700000000.000100',
        files: [{ id: 'F1', name: 'receipt.png', mimetype: 'image/png', size: 2048n, urlPrivate: 'https://files.slack.com/x' }],
      },
    },
  }),
  create(CommandSchema, { id: 'event:Ev2', kind: { case: 'messageDeleted', value: { channelId: 'C0ENGAGE', deletedTs: '1700000000.000100' } } }),
];

const appCommands: AppCommand[] = [
  create(AppCommandSchema, {
    id: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W',
    organizationId: '7f1c6a52-0000-4000-8000-000000000001',
    kind: { case: 'pause', value: { channelId: 'D0DM', teamId: 'T0CUSTOMER', userId: 'U0PHIL', paused: true } },
  }),
  create(AppCommandSchema, { id: 'a2', kind: { case: 'clearContext', value: { platformUserId: 'U0PHIL', teamId: 'T0CUSTOMER' } } }),
  create(AppCommandSchema, {
    id: 'a3',
    kind: { case: 'pushMessage', value: { message: 'resend', channelId: 'C0', platformUserId: 'U0', platformChannelId: 'D0', teamId: 'T0' } },
  }),
];

describe('contracts', () => {
  it.each(commands.map((command) => [command.kind.case, command] as const))('a %s Command survives binary and JSON round trips', (_case, command) => {
    expect(fromBinary(CommandSchema, toBinary(CommandSchema, command))).toEqual(command);
    expect(fromJsonString(CommandSchema, toJsonString(CommandSchema, command))).toEqual(command);
  });

  it.each(appCommands.map((command) => [command.kind.case, command] as const))('a %s AppCommand survives binary and JSON round trips', (_case, command) => {
    expect(fromBinary(AppCommandSchema, toBinary(AppCommandSchema, command))).toEqual(command);
    expect(fromJsonString(AppCommandSchema, toJsonString(AppCommandSchema, command))).toEqual(command);
  });

  it('a Command decoded from bytes keeps the variant and its target', () => {
    const decoded = fromBinary(CommandSchema, toBinary(CommandSchema, commands[1]!));
    expect(decoded.kind.case).toBe('pause');
    expect(decoded.kind.case === 'pause' && decoded.kind.value.target?.kind).toEqual({ case: 'user', value: expect.objectContaining({ teamId: 'T0CUSTOMER', userId: 'U0PHIL' }) });
  });

  it('bytes that are not a Command are rejected', () => {
    expect(() => fromBinary(CommandSchema, new Uint8Array([0xff, 0xff, 0xff]))).toThrow();
  });
});
