import { existsSync } from 'node:fs';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

/** Debian's Chromium (scripts/infra.sh installs it as root); no test downloads a browser. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Without the background-networking flags Chromium keeps dialling Google's hosts, which this network refuses.
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: run bash scripts/infra.sh as root, or apt-get install chromium (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/** How long a person would wait for something to show before calling it broken. */
export const SHOW_MS = 10_000;

/**
 * The simulator's web UI as a person uses it: pick a workspace, act as someone, open a conversation, type,
 * click. Every wait is for visible text or an element, never a sleep.
 */
export class SlackUi {
  private constructor(readonly page: Page) {}

  static async open(browser: Browser, url: string, options: { timezoneId?: string; width?: number; height?: number } = {}): Promise<SlackUi> {
    const context = await browser.newContext({
      viewport: { width: options.width ?? 1440, height: options.height ?? 900 },
      timezoneId: options.timezoneId ?? 'UTC',
      locale: 'en-US',
    });
    // playwright-core waits forever by default; a person gives up sooner, and so does a test.
    context.setDefaultTimeout(SHOW_MS);
    const page = await context.newPage();
    await page.goto(url);
    if ((await page.locator('body').innerText()).includes('npm run build')) throw new Error(`the simulator at ${url} has no UI: run npm run build first`);
    await page.getByRole('navigation', { name: 'Workspaces' }).waitFor({ timeout: SHOW_MS });
    return new SlackUi(page);
  }

  get sidebar(): Locator {
    return this.page.getByRole('navigation', { name: 'Conversations' });
  }

  /** A conversation pane, by its label `<workspace>: <title>` (e.g. /^Globex: / or 'Acme Support: #megatron-help'). */
  pane(name: string | RegExp): Locator {
    return this.page.getByRole('region', { name, exact: typeof name === 'string' });
  }

  get panes(): Locator {
    return this.page.getByRole('main').getByRole('region');
  }

  async pickWorkspace(name: string): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Workspaces' }).getByRole('button', { name, exact: true }).click();
    await this.sidebar.getByText(name, { exact: true }).waitFor({ timeout: SHOW_MS });
  }

  /** A channel, DM or app in the focused pane's sidebar, once it is there (new channels arrive live). */
  async open(label: string): Promise<void> {
    const item = this.sidebar.getByRole('button', { name: label, exact: true });
    await item.waitFor({ timeout: SHOW_MS });
    await item.click();
  }

  async actAs(pane: Locator, userId: string): Promise<void> {
    await pane.getByRole('combobox', { name: 'Acting as' }).selectOption(userId);
  }

  /** Types into a pane's composer (or its thread's) and presses Enter. */
  async write(pane: Locator, text: string, where: 'channel' | 'thread' = 'channel'): Promise<void> {
    const box = where === 'thread' ? pane.getByRole('textbox', { name: 'Reply in thread' }) : pane.getByRole('textbox', { name: /^Message / });
    await box.fill(text);
    await box.press('Enter');
    // Sent once the composer is empty again; a refused message stays in it and shows a toast.
    const sent = await this.page
      .waitForFunction((element) => (element as unknown as { value: string } | null)?.value === '', await box.elementHandle(), { timeout: SHOW_MS })
      .then(() => true, () => false);
    if (!sent) throw new Error(`"${text}" was not sent; the page says: ${(await this.page.locator('.toast').allInnerTexts()).join(' | ') || 'nothing'}`);
  }

  /** The message (or ephemeral) in `scope` whose text contains `text`, once it shows. */
  async message(scope: Locator, text: string, timeoutMs = SHOW_MS): Promise<Locator> {
    const found = scope.locator('article', { hasText: text }).last();
    await this.see(found, `a message with "${text}"`, timeoutMs);
    return found;
  }

  /** Waits for `locator` to be visible; on timeout says what was awaited and what the page showed. */
  async see(locator: Locator, what: string, timeoutMs = SHOW_MS): Promise<void> {
    try {
      await locator.first().waitFor({ state: 'visible', timeout: timeoutMs });
    } catch {
      // The end of each pane is what matters (the newest messages), and keeps a failure readable.
      const panes = (await this.panes.allInnerTexts().catch(() => [])).map((text) => text.replace(/\n{2,}/g, '\n').slice(-1500));
      const toasts = await this.page.locator('.toast').allInnerTexts().catch(() => []);
      throw new Error(`${what} did not show within ${timeoutMs} ms.\nPanes:\n${panes.join('\n-----\n')}${toasts.length ? `\nToasts: ${toasts.join(' | ')}` : ''}`);
    }
  }

  /** Opens the customer's DM and the engagement channel side by side, from whichever of them is showing. */
  async sideBySide(): Promise<void> {
    if ((await this.panes.count()) === 2) return;
    await this.page.getByRole('button', { name: 'Side by side' }).click();
    await this.see(this.panes.nth(1), 'a second pane');
  }

  async singlePane(): Promise<void> {
    if ((await this.panes.count()) > 1) await this.page.getByRole('button', { name: 'Split view' }).click();
  }
}
