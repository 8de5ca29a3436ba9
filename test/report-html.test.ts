// `trailwatch report`: what it gathers from the sample day, and that nothing from a record reaches the page as markup.
import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../cli/trailwatch.js';
import { escapeHtml, html } from '../cli/report/html.js';
import { cloudTrailRecord } from './helpers/log-files.js';

const SAMPLE = path.join(import.meta.dirname, '..', 'events', 'logs');

async function report(...inputs: string[]): Promise<{ code: number; page: string; stderr: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'trailwatch-report-'));
  const output = path.join(dir, 'report.html');
  const err: string[] = [];
  const code = await main(['report', ...inputs, '-o', output], {
    out: () => undefined,
    err: (l) => err.push(l),
    interactive: false,
    env: {},
  });
  return { code, page: await readFile(output, 'utf8').catch(() => ''), stderr: err.join('\n') };
}

/** Every tag in the page: the markup the report itself writes. */
const ALLOWED_TAGS = new Set([
  '!DOCTYPE',
  'html',
  'head',
  'meta',
  'title',
  'style',
  'body',
  'h1',
  'h2',
  'h3',
  'p',
  'section',
  'div',
  'b',
  'span',
  'small',
  'figure',
  'figcaption',
  'svg',
  'line',
  'text',
  'g',
  'rect',
  'i',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'code',
  'ul',
  'li',
  'details',
  'summary',
  'pre',
  'br',
]);

describe('report: the sample day', () => {
  it('writes one HTML file with the 20 alerts, the timelines and the tables, and exits 0', async () => {
    const { code, page, stderr } = await report(SAMPLE);
    expect(code).toBe(0);
    expect(stderr).toMatch(/Wrote .*report\.html/);
    expect(page.match(/<tr class="alert">/g)).toHaveLength(20);
    expect(page).toContain('<div class="card" id="card-alerts"><b>20</b>');
    expect(page).toMatch(/<section class="database" id="db-db-instance-oradb">/);
    expect(page).toMatch(/renamed to mysqldb/);
    expect(page).toMatch(/<table id="data-api">/);
  });

  it('fetches nothing when opened: no scripts, no external URLs, a CSP that forbids loading', async () => {
    const { page } = await report(SAMPLE);
    expect(page).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(page).not.toMatch(/<script|<link|<img|<iframe|src=|href=|url\(/i);
  });

  it('reads --since/--until like scan', async () => {
    const { page } = await report('--since', '2026-11-20T16:00:00Z', '--until', '2026-11-20T17:00:00Z', SAMPLE);
    expect(page.match(/<tr class="alert">/g)).toHaveLength(2);
  });

  it('needs -o (exit 2)', async () => {
    const err: string[] = [];
    expect(await main(['report', SAMPLE], { out: () => undefined, err: (l) => err.push(l), interactive: false })).toBe(
      2,
    );
    expect(err[0]).toMatch(/report needs -o FILE\.html/);
  });
});

describe('report: record text is escaped everywhere', () => {
  const HOSTILE = {
    user: '<script>alert("user")</script>',
    db: '"><img src=x onerror=alert(1)>',
    ip: '</td></tr></table><h1>ip</h1>',
    agent: '</pre><iframe src="https://evil.example/"></iframe>',
    snapshot: "snap' onmouseover='alert(2)",
  };

  it('renders hostile identifiers, names, IPs and user agents as text, never as markup', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'trailwatch-hostile-'));
    const file = path.join(dir, 'hostile.json');
    const who = {
      type: 'IAMUser',
      userName: HOSTILE.user,
      arn: `arn:aws:iam::123456789012:user/${HOSTILE.user}`,
      accountId: '123456789012',
    };
    await writeFile(
      file,
      JSON.stringify({
        Records: [
          cloudTrailRecord({
            eventName: 'DeleteDBInstance',
            eventTime: '2026-11-20T10:00:00Z',
            userIdentity: who,
            sourceIPAddress: HOSTILE.ip,
            userAgent: HOSTILE.agent,
            requestParameters: { dBInstanceIdentifier: HOSTILE.db },
          }),
          cloudTrailRecord({
            eventName: 'CreateDBSnapshot',
            eventTime: '2026-11-20T10:01:00Z',
            userIdentity: who,
            sourceIPAddress: HOSTILE.ip,
            requestParameters: { dBInstanceIdentifier: HOSTILE.db, dBSnapshotIdentifier: HOSTILE.snapshot },
          }),
          cloudTrailRecord({
            eventSource: 'rdsdataapi.amazonaws.com',
            eventName: 'ExecuteStatement',
            eventTime: '2026-11-20T10:02:00Z',
            userIdentity: who,
            requestParameters: { resourceArn: `arn:aws:rds:us-east-1:123456789012:cluster:${HOSTILE.db}` },
          }),
        ],
      }),
    );
    const { page } = await report(file);
    const tags = [...page.matchAll(/<\/?([!A-Za-z][A-Za-z0-9]*)/g)].map((m) => m[1]!);
    expect(tags.filter((tag) => !ALLOWED_TAGS.has(tag))).toEqual([]);
    // Each shows as text: in the tables, or (the user agent) in the record, where JSON escapes its quotes.
    for (const value of Object.values(HOSTILE))
      expect(page.includes(escapeHtml(value)) || page.includes(escapeHtml(JSON.stringify(value).slice(1, -1)))).toBe(
        true,
      );
    expect(page).toContain(escapeHtml(HOSTILE.user));
    // Inside attributes too: the DB's section id carries the identifier, quotes escaped.
    expect(page).toContain(`id="db-db-instance-${escapeHtml(HOSTILE.db)}"`);
    expect(page).not.toContain(HOSTILE.db);
  });

  it('escapes what is interpolated into the html template, and keeps what html built', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p title="${`"x" & 'y'`}">${inner}${['<a>', 1, null, false]}</p>`.text).toBe(
      '<p title="&quot;x&quot; &amp; &#39;y&#39;"><b>&lt;i&gt;</b>&lt;a&gt;1</p>',
    );
  });
});
