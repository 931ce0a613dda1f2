import { commandConsumer, partitionOf, streamNames } from './streams.js';

describe('stream names and partitions', () => {
  it('derives every name from the namespace', () => {
    const names = streamNames('t_abc');
    expect(names.commands.stream).toBe('T_ABC_COMMANDS');
    expect(names.commands.subject(3)).toBe('t_abc.commands.p3');
    expect(names.appCommands.subject('org1')).toBe('t_abc.app_commands.org1');
    expect(commandConsumer('t_abc', 3, 30_000)).toMatchObject({ durable: 't_abc_command_core_p3', filterSubject: 't_abc.commands.p3', maxAckPending: 1 });
  });

  it('puts one channel always in the same partition and spreads many channels over all of them', () => {
    expect(partitionOf('C0123ABC', 8)).toBe(partitionOf('C0123ABC', 8));
    const used = new Set(Array.from({ length: 200 }, (_, i) => partitionOf(`C${i.toString(36).toUpperCase()}X`, 8)));
    expect(used.size).toBe(8);
  });
});
