// The report in a real browser: headless Chromium (Debian's package, at /usr/bin/chromium; .ci/run installs it)
// driven by playwright-core loads the page written for the sample day and checks that the charts and tables
// render with that day's numbers, that opening it fetches nothing, and that hostile record text stays text.
// Where no browser is installed, the test is skipped and says why. TRAILWATCH_UPDATE_SCREENSHOT=1 also writes
// docs/report.png, the README's picture.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { main } from '../cli/trailwatch.js';
import { cloudTrailRecord } from './helpers/log-files.js';

const CHROMIUM = process.env.TRAILWATCH_CHROMIUM ?? '/usr/bin/chromium';
const HAVE_BROWSER = existsSync(CHROMIUM);
const SKIP_REASON = `no Chromium at ${CHROMIUM} (install it: apt-get install -y chromium; or set TRAILWATCH_CHROMIUM)`;
if (!HAVE_BROWSER) process.stderr.write(`test/report-browser.test.ts: skipped: ${SKIP_REASON}\n`);

const ROOT = path.join(import.meta.dirname, '..');
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let browser: Browser | undefined;
let dir: string;

async function writeReport(inputs: string[], name: string): Promise<string> {
  const output = path.join(dir, name);
  expect(
    await main(['report', ...inputs, '-o', output], {
      out: () => undefined,
      err: () => undefined,
      interactive: false,
      env: {},
    }),
  ).toBe(0);
  return output;
}

/** Opens a file and records every request the page makes. */
async function open(file: string): Promise<{ page: Page; requests: string[] }> {
  const page = await browser!.newPage({ viewport: { width: 1280, height: 1400 } });
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, requests };
}

describe.skipIf(!HAVE_BROWSER)(`report in headless Chromium (skipped when ${SKIP_REASON})`, () => {
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'trailwatch-browser-'));
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('renders the sample day: 20 alerts in the chart, the cards and the table, timelines and tables filled', async () => {
    const file = await writeReport([path.join(ROOT, 'events', 'logs')], 'sample.html');
    const { page, requests } = await open(file);
    expect(requests).toEqual([pathToFileURL(file).href]);

    expect(await page.textContent('#card-alerts b')).toBe('20');
    expect(await page.textContent('#card-critical b')).toBe('3');
    expect(await page.textContent('#card-high b')).toBe('8');

    // The chart: one bar per hour from 08:00 to 18:00, the segments adding up to the 20 alerts, drawn with height.
    const chart = page.locator('#chart-alerts svg');
    expect((await chart.boundingBox())!.width).toBeGreaterThan(800);
    expect(await page.locator('#chart-alerts g.bar').count()).toBe(11);
    const segments = await page.$$eval('#chart-alerts rect', (rects) =>
      rects.map((r) => ({
        series: r.getAttribute('data-series'),
        count: Number(r.getAttribute('data-count')),
        height: r.getBoundingClientRect().height,
      })),
    );
    expect(segments.reduce((sum, s) => sum + s.count, 0)).toBe(20);
    expect(segments.filter((s) => s.series === 'critical').reduce((sum, s) => sum + s.count, 0)).toBe(3);
    expect(segments.every((s) => s.height > 10)).toBe(true);
    expect(
      await page.$$eval('#chart-rds-changes rect', (rects) =>
        rects.reduce((sum, r) => sum + Number(r.getAttribute('data-count')), 0),
      ),
    ).toBe(15);

    expect(await page.locator('#alerts tr.alert').count()).toBe(20);
    const oradb = await page.$$eval('#db-db-instance-oradb tbody tr td.action', (cells) =>
      cells.map((c) => c.textContent),
    );
    expect(oradb).toEqual(['created', 'rebooted', 'modified', 'modified', 'deleted']);
    expect(await page.textContent('#top-principals tbody tr:first-child')).toMatch(/johndoe\s*13/);
    expect(await page.locator('#data-api tbody tr').count()).toBe(3);
    // The README's picture: the top of the page (summary, charts, the first timelines).
    const shot = path.join(dir, 'report.png');
    await page.screenshot({ path: shot });
    expect((await stat(shot)).size).toBeGreaterThan(20_000);
    if (process.env.TRAILWATCH_UPDATE_SCREENSHOT === '1') await copyFile(shot, path.join(ROOT, 'docs', 'report.png'));
    // A record opens under its alert.
    await page.locator('#alerts tr.alert details summary').first().click();
    expect(await page.locator('#alerts tr.alert details pre').first().isVisible()).toBe(true);

    await page.close();
  });

  it('shows hostile record text as text: no element, script or request comes from it', async () => {
    const hostile = path.join(dir, 'hostile.json');
    const user = '<img src=x onerror="document.title=1"><script>document.title=2</script>';
    await writeFile(
      hostile,
      JSON.stringify({
        Records: [
          cloudTrailRecord({
            eventName: 'DeleteDBInstance',
            eventTime: '2026-11-20T10:00:00Z',
            userIdentity: { type: 'IAMUser', userName: user },
            sourceIPAddress: '<b>ip</b>',
            requestParameters: { dBInstanceIdentifier: '<svg onload="document.title=3">' },
          }),
        ],
      }),
    );
    const file = await writeReport([hostile], 'hostile.html');
    const { page, requests } = await open(file);
    expect(requests).toEqual([pathToFileURL(file).href]);
    expect(await page.title()).toBe('trailwatch report');
    expect(await page.locator('script, img, iframe').count()).toBe(0);
    expect(await page.locator('#alerts tbody').textContent()).toContain(user);
    await page.close();
  });
});
