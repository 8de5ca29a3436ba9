// The report as one HTML file: inline CSS and SVG, no scripts, and a Content-Security-Policy that forbids
// fetching anything, so it opens the same offline, from an email attachment or an evidence folder.
import { thousands } from '../output.js';
import { SEVERITIES, type Severity } from '../../shared/rules/types.js';
import { principalLabel } from '../../shared/alerts/caller-name.js';
import { stackedBarChart } from './chart.js';
import { html, trusted } from './html.js';
import type { ReportData } from './report-data.js';

export interface ReportMeta {
  title: string;
  generatedAt: string;
  inputs: string[];
  window: string;
  files: number;
  records: number;
  unreadable: number;
  skipped: number;
}

export const SEVERITY_COLOURS: Record<Severity, string> = {
  critical: '#7f1d1d',
  high: '#dc2626',
  medium: '#f59e0b',
  low: '#0ea5e9',
  info: '#9ca3af',
};

const CSS = `
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111827; }
body { margin: 0 auto; padding: 24px 32px 64px; max-width: 1200px; background: #f9fafb; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 32px 0 8px; border-bottom: 1px solid #e5e7eb; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 16px 0 6px; } .meta { color: #4b5563; font-size: 13px; margin: 0 0 16px; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; } .card { background: #fff; border: 1px solid #e5e7eb; border-radius: 8px; padding: 10px 16px; min-width: 110px; }
.card b { display: block; font-size: 24px; } .card span { font-size: 12px; color: #4b5563; text-transform: uppercase; letter-spacing: .04em; }
.chart { background: #fff; border: 1px solid #e5e7eb; border-radius: 8px; padding: 12px; margin: 12px 0; } figcaption { font-weight: 600; font-size: 14px; }
.chart .grid { stroke: #e5e7eb; } .chart .tick { font-size: 11px; fill: #6b7280; }
.legend { font-size: 12px; margin: 4px 0 0; } .legend span { margin-right: 14px; } .legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; border-radius: 2px; }
table { border-collapse: collapse; width: 100%; background: #fff; font-size: 13px; margin: 6px 0 12px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #f3f4f6; vertical-align: top; } th { background: #f3f4f6; font-weight: 600; }
td code { white-space: nowrap; } td.num { text-align: right; font-variant-numeric: tabular-nums; } code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
pre { background: #f3f4f6; padding: 8px; overflow-x: auto; max-height: 420px; white-space: pre-wrap; word-break: break-all; }
.sev { display: inline-block; padding: 1px 6px; border-radius: 4px; color: #fff; font-size: 11px; font-weight: 700; text-transform: uppercase; }
.failed { color: #b91c1c; font-weight: 600; } .empty { color: #6b7280; font-style: italic; } .two { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
table.timeline { table-layout: fixed; } table.timeline th:nth-child(1) { width: 170px; } table.timeline th:nth-child(2) { width: 80px; }
table.timeline th:nth-child(3) { width: 30%; } table.timeline th:nth-child(4), table.timeline th:nth-child(5) { width: 14%; }
.action { font-weight: 600; } .action-deleted { color: #b91c1c; } .action-created, .action-restored { color: #15803d; } .action-renamed { color: #7c3aed; }
`;

const sev = (severity: Severity) =>
  html`<span class="sev sev-${severity}" style="background:${SEVERITY_COLOURS[severity]}">${severity}</span>`;
const empty = (text: string) => html`<p class="empty">${text}</p>`;

export function renderReport(data: ReportData, meta: ReportMeta): string {
  const severities = [...SEVERITIES].reverse();
  const page = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${meta.title}</title>
<style>${trusted(CSS)}</style>
</head>
<body>
<h1>${meta.title}</h1>
<p class="meta">Generated ${meta.generatedAt} by trailwatch from ${meta.inputs.join(', ')}. ${meta.window}
${meta.files} file${meta.files === 1 ? '' : 's'} read (${thousands(meta.records)} records)${meta.unreadable ? html`, <span class="failed">${meta.unreadable} unreadable</span>` : ''}${meta.skipped ? `, ${meta.skipped} not CloudTrail skipped` : ''}.
${data.firstEvent ? `Events from ${data.firstEvent} to ${data.lastEvent}.` : ''}</p>

<section id="summary" class="cards">
<div class="card" id="card-alerts"><b>${data.alerts.length}</b><span>alerts</span></div>
${severities.map((s) => html`<div class="card" id="card-${s}"><b style="color:${SEVERITY_COLOURS[s]}">${data.alertsBySeverity[s]}</b><span>${s}</span></div>`)}
<div class="card" id="card-rds-changes"><b>${data.rdsChanges}</b><span>RDS changes</span></div>
<div class="card" id="card-failed"><b>${data.failedCalls}</b><span>failed calls</span></div>
<div class="card" id="card-data-api"><b>${data.dataApi.reduce((sum, c) => sum + c.calls, 0)}</b><span>Data API calls</span></div>
</section>

<h2>Alerts over time</h2>
${
  data.alertsOverTime.length
    ? stackedBarChart(
        'Alerts per hour (UTC), by severity',
        severities.map((s) => ({ name: s, colour: SEVERITY_COLOURS[s] })),
        data.alertsOverTime.map((b) => ({ label: b.label, values: [...b.values].reverse() })),
        'chart-alerts',
      )
    : empty('No events read.')
}
${
  data.rdsChangesOverTime.length
    ? stackedBarChart(
        'RDS changes per hour (UTC): succeeded and failed',
        [
          { name: 'succeeded', colour: '#2563eb' },
          { name: 'failed', colour: '#dc2626' },
        ],
        data.rdsChangesOverTime,
        'chart-rds-changes',
      )
    : ''
}

<h2>Databases</h2>
${data.databases.length === 0 ? empty('No RDS changes to a DB instance or cluster.') : ''}
${data.databases.map(
  (db) => html`<section class="database" id="db-${db.kind}-${db.id}">
<h3>${db.id} <small>(${db.kind})</small></h3>
<table class="timeline"><thead><tr><th>time (UTC)</th><th>what</th><th>call</th><th>who</th><th>from</th><th>detail</th></tr></thead><tbody>
${db.entries.map(
  (e) =>
    html`<tr><td><code>${e.time}</code></td><td class="action action-${e.action}">${e.action}</td><td>${e.eventName}${e.failed ? html` <span class="failed">FAILED ${e.errorCode ?? ''}</span>` : ''}</td><td>${e.who}</td><td>${e.from}</td><td>${e.detail}</td></tr>`,
)}
</tbody></table></section>`,
)}

<h2>Who changed RDS, and from where</h2>
<div class="two">
<table id="top-principals"><thead><tr><th>principal</th><th class="num">RDS changes</th></tr></thead><tbody>
${data.topPrincipals.map(([who, n]) => html`<tr><td>${who}</td><td class="num">${n}</td></tr>`)}
</tbody></table>
<table id="top-source-ips"><thead><tr><th>source IP or service</th><th class="num">RDS changes</th></tr></thead><tbody>
${data.topSourceIps.map(([ip, n]) => html`<tr><td>${ip}</td><td class="num">${n}</td></tr>`)}
</tbody></table>
</div>

<h2>Failed-call bursts</h2>
<p class="meta">${data.failedCalls} failed call${data.failedCalls === 1 ? '' : 's'} in all; a burst is 3 or more by one caller, each within 5 minutes of the one before.</p>
${
  data.failedBursts.length === 0
    ? empty('No bursts.')
    : html`<table id="failed-bursts"><thead><tr><th>who</th><th>from</th><th>to</th><th class="num">calls</th><th>calls made</th><th>errors</th></tr></thead><tbody>
${data.failedBursts.map((b) => html`<tr><td>${b.who}</td><td><code>${b.first}</code></td><td><code>${b.last}</code></td><td class="num">${b.count}</td><td>${b.eventNames.join(', ')}</td><td>${b.errorCodes.join(', ')}</td></tr>`)}
</tbody></table>`
}

<h2>Data API activity</h2>
${
  data.dataApi.length === 0
    ? empty(
        'No Data API calls in these records (a trail records rdsdataapi.amazonaws.com only with data event selectors for AWS::RDS::DBCluster).',
      )
    : html`<table id="data-api"><thead><tr><th>cluster</th><th class="num">calls</th><th class="num">failed</th><th>calls made</th><th>callers</th><th>first</th><th>last</th></tr></thead><tbody>
${data.dataApi.map((c) => html`<tr><td>${c.cluster}</td><td class="num">${c.calls}</td><td class="num">${c.failed}</td><td>${c.byEventName.map(([name, n]) => `${name} ${n}`).join(', ')}</td><td>${c.callers.join(', ')}</td><td><code>${c.first}</code></td><td><code>${c.last}</code></td></tr>`)}
</tbody></table>`
}

<h2>Every alert</h2>
${data.alerts.length === 0 ? empty('No alerts.') : ''}
<table id="alerts"><thead><tr><th>time (UTC)</th><th>severity</th><th>rule</th><th>what happened</th></tr></thead><tbody>
${data.alerts.map(
  ({
    alert,
    record,
  }) => html`<tr class="alert"><td><code>${alert.eventTime}</code></td><td>${sev(alert.severity)}</td><td><code>${alert.rule}</code><br>${alert.title}</td><td>${alert.eventName}${alert.resource ? ` ${alert.resource.id}` : ''} by ${principalLabel(alert.principal)} (${alert.principal.type})${alert.sourceIPAddress ? ` from ${alert.sourceIPAddress}` : ''}${alert.failed ? html` <span class="failed">FAILED ${alert.errorCode ?? ''}</span>` : ''}
${alert.details.length ? html`<ul>${alert.details.map((d) => html`<li>${d}</li>`)}</ul>` : ''}
<details><summary>record${alert.file ? ` (${alert.file}, record ${alert.recordIndex ?? '?'})` : ''}</summary><pre>${record}</pre></details></td></tr>`,
)}
</tbody></table>
</body>
</html>
`;
  return page.text;
}
