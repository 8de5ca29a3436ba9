// `trailwatch report INPUT... -o FILE.html`: the same inputs as scan, gathered into one self-contained HTML page.
import { writeFile } from 'node:fs/promises';
import { UsageError, type ParsedArgs } from '../args.js';
import { ruleOptions, type Io } from '../commands.js';
import { inputSettings } from '../input-options.js';
import { loadRuleset } from '../load-ruleset.js';
import { scanInputs, summaryLines } from '../scan-inputs.js';
import { iso } from '../time-window.js';
import { DATA_API_SOURCES, RDS_SOURCE, ReportBuilder } from './report-data.js';
import { renderReport } from './render.js';

export async function reportMain(args: ParsedArgs, io: Io): Promise<number> {
  const output = args.string('output');
  if (!output) throw new UsageError('report needs -o FILE.html (or -o - for stdout)', 'report');
  const ruleset = await loadRuleset(ruleOptions(args));
  const inputs = await inputSettings(args, io, 'report');
  const builder = new ReportBuilder();
  const alertsByRule = new Map<string, number>();
  const totals = await scanInputs(inputs.plan, {
    ruleset,
    window: inputs.window,
    // Every RDS and Data API record, not only those a rule matches: the timelines and tables need them all.
    alsoParse: [RDS_SOURCE, ...DATA_API_SOURCES],
    concurrency: inputs.concurrency,
    verbose: inputs.verbose,
    onEvent: (item) => {
      builder.add(item.event, item.alerts, item.raw);
      for (const alert of item.alerts) alertsByRule.set(alert.rule, (alertsByRule.get(alert.rule) ?? 0) + 1);
    },
    err: io.err,
    ...(io.interactive ? { progress: io.errRaw ?? ((text: string) => process.stderr.write(text)) } : {}),
  });
  const { since, until } = inputs.window;
  const page = renderReport(builder.build(), {
    title: args.string('title') ?? 'trailwatch report',
    generatedAt: iso(Date.now()),
    inputs: args.positionals,
    window:
      since !== undefined || until !== undefined
        ? `Records from ${since !== undefined ? iso(since) : 'the start'} to ${until !== undefined ? iso(until) : 'now'}.`
        : '',
    files: totals.inputs,
    records: totals.records,
    unreadable: totals.unreadable,
    skipped: totals.skipped.length,
  });
  if (output === '-') io.out(page);
  else {
    try {
      await writeFile(output, page);
    } catch (error) {
      io.err(`trailwatch: cannot write ${output}: ${(error as Error).message}`);
      return 1;
    }
  }
  for (const line of summaryLines(totals, alertsByRule)) io.err(line);
  if (output !== '-') io.err(`Wrote ${output} (${(Buffer.byteLength(page) / 1024).toFixed(0)} KB)`);
  return totals.unreadable > 0 || totals.malformedRecords > 0 ? 1 : 0;
}
