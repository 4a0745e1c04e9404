/**
 * Browser-test support: builds the renderer once per test file into a temporary folder, serves it with the
 * loopback host over a fresh plan, and drives Debian's Chromium through playwright-core (installed by
 * scripts/ensure-chromium.mjs; Playwright's own browser download cannot work offline).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { MethodArgs, MethodName, MethodResult, Reply } from '../../shared/api/contract';
import { inProcessEngine, type Engine } from '../../electron/main/engine';
import { startWebHost, type WebHost } from '../../electron/web/server';
import { buildRenderer } from '../../scripts/build-web.mjs';

export const CHROMIUM = process.env.FLUXPLAN_CHROMIUM || '/usr/bin/chromium';
export const ARTIFACTS = join(process.cwd(), 'test-artifacts');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-default-apps',
  '--disable-extensions',
  '--hide-scrollbars',
  '--mute-audio',
];

let built: Promise<string> | null = null;

/** The renderer, built with the same config as `npm run web`, into a folder of this test process. */
export function builtRenderer(): Promise<string> {
  built ??= (async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'fluxplan-renderer-'));
    await buildRenderer({ force: true, outDir });
    return outDir;
  })();
  return built;
}

export interface Served {
  host: WebHost;
  engine: Engine;
  file: string;
  close(): Promise<void>;
}

/** A fresh plan in a temporary folder, served on 127.0.0.1 with a random token. */
export async function serveFreshPlan(rendererDir: string): Promise<Served> {
  const dir = mkdtempSync(join(tmpdir(), 'fluxplan-web-'));
  const file = join(dir, 'plan.sqlite');
  const engine = inProcessEngine(file);
  const host = await startWebHost({ engine, rendererDir });
  return {
    host,
    engine,
    file,
    async close() {
      await host.close();
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  errors: string[];
  close(): Promise<void>;
}

export async function openBrowser(viewport = { width: 1440, height: 900 }): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'fluxplan-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    // launchPersistentContext passes the fresh profile as --user-data-dir.
    args: CHROMIUM_ARGS,
    viewport,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return {
    context,
    page,
    errors,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

export interface App {
  served: Served;
  browser: Browser;
  page: Page;
  /** A temporary folder for the test's own files, removed on close. */
  dir: string;
  /** A method on the app's engine, beside the page: its result, or an Error naming the method. */
  call<M extends MethodName>(method: M, args: MethodArgs<M>): Promise<MethodResult<M>>;
  close(): Promise<void>;
}

/** Calls a method on a served plan's engine, beside the page: its result, or an Error naming the method. */
export function callerOf(served: Served) {
  return async <M extends MethodName>(method: M, args: MethodArgs<M>): Promise<MethodResult<M>> => {
    const r = (await served.engine.call(method, args)) as Reply<M>;
    if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
    return r.result;
  };
}

/** The built renderer served over a fresh plan and opened in Chromium at the app's page. */
export async function openApp(): Promise<App> {
  const served = await serveFreshPlan(await builtRenderer());
  const browser = await openBrowser();
  await browser.page.goto(served.host.url);
  const dir = mkdtempSync(join(tmpdir(), 'fluxplan-test-files-'));
  return {
    served,
    browser,
    page: browser.page,
    dir,
    call: callerOf(served),
    async close() {
      await browser.close();
      await served.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Opens a screen from the side navigation. */
export async function showScreen(page: Page, label: string): Promise<void> {
  await page.locator('nav[aria-label="Screens"] button', { hasText: label }).click();
}

/** Dismisses every toast (for steady screenshots and unambiguous text). */
export async function clearToasts(page: Page): Promise<void> {
  await page.evaluate(() => {
    const s = (window as unknown as { __fluxplan: { getState(): { toasts: Array<{ id: number }>; dismiss(id: number): void } } }).__fluxplan.getState();
    for (const t of s.toasts) s.dismiss(t.id);
  });
}
