/** Per-customer conversation state; a real bot keeps this in its own database. */
export class BotState {
  private readonly paused = new Set<string>();
  private readonly context = new Map<string, string[]>();

  private static key(teamId: string, userId: string): string {
    return `${teamId}:${userId}`;
  }

  setPaused(teamId: string, userId: string, paused: boolean): void {
    if (paused) this.paused.add(BotState.key(teamId, userId));
    else this.paused.delete(BotState.key(teamId, userId));
  }

  isPaused(teamId: string, userId: string): boolean {
    return this.paused.has(BotState.key(teamId, userId));
  }

  remember(teamId: string, userId: string, text: string): void {
    const key = BotState.key(teamId, userId);
    this.context.set(key, [...(this.context.get(key) ?? []), text].slice(-20));
  }

  contextOf(teamId: string, userId: string): string[] {
    return this.context.get(BotState.key(teamId, userId)) ?? [];
  }

  clearContext(teamId: string, userId: string): void {
    this.context.delete(BotState.key(teamId, userId));
  }
}
