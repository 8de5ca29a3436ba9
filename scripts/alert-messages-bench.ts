// Building the SNS messages of real alerts, in CPU time: the processor's `alertMessages` (subject, alert JSON, email
// with the pretty-printed record, attributes, size fitting) over the alerts the bench's files raise. For A/B
// comparisons of shared/render and functions/processor/sns-message.ts: bundle this file from two checkouts and run
// them interleaved, each in a fresh process.
//
//   npx esbuild scripts/alert-messages-bench.ts --bundle --platform=node --format=esm --packages=external \
//     --outfile=dist/scripts/alert-messages-bench.mjs && npx node dist/scripts/alert-messages-bench.mjs [typical|big]
//
// `typical`: the alerts of 40 of the typical-files section's files (bench/out/typical/, ~1.5 MB of JSON each), one
// message set per file, as a warm handler builds them; `big`: the 100 MB bench file's, as the processor row's first
// invocation builds them. Prints one JSON line: CPU ms of the first call (a cold process: V8 compiles the render code
// then), the mean CPU ms per message set over the warm passes, the number of messages, and a digest of every message,
// subject and attribute set, which must not change when only speed does.
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync } from 'node:fs';
import { alertMessages, type RoutedMessages } from '../functions/processor/alert-messages.js';
import { AlertCollector, type CollectedAlert } from '../shared/alerts/storm.js';
import { compileRuleset } from '../shared/rules/engine.js';
import { scanLog } from '../shared/scan/scan-log.js';

const mode = process.argv[2] === 'big' ? 'big' : 'typical';
const ruleset = compileRuleset();
const routing = { minSeverity: 'high', eventsMinSeverity: undefined } as const;

async function collect(file: string): Promise<CollectedAlert[]> {
  const collector = new AlertCollector({});
  for await (const item of scanLog(createReadStream(file), { file: `s3://bench/${file}`, ruleset })) {
    if (item.kind !== 'malformed' && item.alerts.length > 0) collector.addAll(item.alerts, item.raw);
  }
  return collector.drain();
}

const files =
  mode === 'big'
    ? ['bench/out/cloudtrail-100mb.json.gz']
    : readdirSync('bench/out/typical')
        .filter((f) => f.endsWith('.json.gz'))
        .slice(0, 40)
        .map((f) => `bench/out/typical/${f}`);
const sets: CollectedAlert[][] = [];
for (const file of files) sets.push(await collect(file));

const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const digest = createHash('sha256');
let messages = 0;
const remember = (routed: RoutedMessages): void => {
  for (const m of routed.alertTopic) {
    digest
      .update(m.message)
      .update(m.subject ?? '')
      .update(JSON.stringify(m.attributes));
    messages++;
  }
};

let started = cpuMs();
const [first = []] = sets;
remember(alertMessages(first, routing));
const firstMs = cpuMs() - started;

const passes = mode === 'big' ? 10 : 5;
started = cpuMs();
for (let pass = 0; pass < passes; pass++) {
  for (const set of sets) {
    const routed = alertMessages(set, routing);
    if (pass === 0) remember(routed);
  }
}
const warmMsPerSet = (cpuMs() - started) / passes / sets.length;
console.log(
  JSON.stringify({
    firstMs: Number(firstMs.toFixed(2)),
    warmMsPerSet: Number(warmMsPerSet.toFixed(3)),
    messages,
    digest: digest.digest('hex').slice(0, 16),
  }),
);
