export const SECTIONS = ['relay', 'broadcast', 'scaling', 'abuse', 'holb', 'memory'] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchArgs {
  mode: 'quick' | 'full';
  sections: Section[];
}

export const USAGE = `usage: npm run bench [-- --quick] [--only=${SECTIONS.join(',')}]`;

const isSection = (name: string): name is Section => (SECTIONS as readonly string[]).includes(name);

/** `--quick` and `--only=<sections>`; anything else is refused with the argument named. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  let mode: BenchArgs['mode'] = 'full';
  let sections: Section[] = [...SECTIONS];
  for (const arg of argv) {
    if (arg === '--quick') mode = 'quick';
    else if (arg.startsWith('--only=')) {
      const names = arg.slice('--only='.length).split(',');
      const unknown = names.filter((name) => !isSection(name));
      if (unknown.length > 0) throw new Error(`unknown section ${unknown.map((name) => JSON.stringify(name)).join(', ')} in ${arg}; ${USAGE}`);
      sections = names.filter(isSection);
    } else throw new Error(`unknown argument ${JSON.stringify(arg)}; ${USAGE}`);
  }
  return { mode, sections };
}
