import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@megatron/testkit';
import { emojiCharacter } from './emoji.js';

describe('emoji names', () => {
  it("draws every emoji Megatron's own messages and cards use", () => {
    // Emoji codes in command-core's texts: `:name:` inside a string, written where a person reads it.
    const dir = path.join(repoRoot(), 'services', 'command-core', 'src', 'takeover');
    const used = new Set<string>();
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))) {
      for (const [, name] of readFileSync(path.join(dir, file), 'utf8').matchAll(/(?:[`'"\s(]|\\n):([a-z][a-z0-9_]*[a-z0-9]):[\s`'"]/g)) used.add(name as string);
    }
    expect(used).toContain('clock3');
    expect([...used].filter((name) => emojiCharacter(name) === undefined)).toEqual([]);
  });
});
