// The processor Lambda's row: the real handler (functions/processor/handler.ts, with its middy middlewares,
// Powertools logger and metrics) invoked with an S3 put notification for the generated file, which it reads
// with the real S3 client from an S3 emulator on loopback; SNS is a fake on loopback that takes every
// PublishBatch entry (the real SNS client, its serialization included, talks to it over HTTP).
//
// The handler is measured as deployed (bench/handler-row.ts, shared with the indexer rows): bundled into
// bench/out/processor-handler/handler.mjs (buildProcessorBundle, run by bench.ts before measuring) and imported at run
// time; s3rver and the SNS fake run in a child process; the time is the invocation alone, the cold start shown apart.
//
// Target (issue 4): on the 100 MB file the handler keeps at least 0.8 of the core's throughput (the
// trailwatch-scan row of the same run) and its peak RSS stays under 150 MB.

import type { ProcessedFile } from '../functions/processor/process-log-file.js';
import { BENCH_ALERT_TOPIC, buildHandlerBundle, invokeBundledHandler } from './handler-row.js';
import type { RowOutput, RowSpec } from './rows.js';

export const PROCESSOR_ROW = 'processor-handler';
export const PROCESSOR_TARGETS = { ratioToCore: 0.8, maxRssMB: 150 } as const;

/** Bundles the processor handler as scripts/build.mjs does, into bench/out/processor-handler/. */
export function buildProcessorBundle(): Promise<void> {
  return buildHandlerBundle('processor');
}

function processorHandler(file: string): Promise<RowOutput> {
  return invokeBundledHandler<ProcessedFile>(
    'processor',
    file,
    (emulators) => ({
      ALERT_TOPIC_ARN: BENCH_ALERT_TOPIC,
      AWS_ENDPOINT_URL_SNS: emulators.sns,
    }),
    ({ outcome, measuredSeconds, cpuMs, coldStart }) => {
      const raised = Object.values(outcome.alertsByRule).reduce((sum, n) => sum + n, 0);
      return {
        records: outcome.stats.records,
        bytesOut: outcome.stats.bytesOut,
        measuredSeconds,
        detail: `${coldStart}; invocation CPU ${cpuMs.toFixed(0)} ms; ${outcome.stats.delivered} classified, ${raised} alerts raised, ${outcome.published.alertTopic} messages published; read ${outcome.timings.readMs} ms, then messages built and published in ${outcome.timings.publishMs} ms`,
      };
    },
  );
}

export const PROCESSOR_ROWS: readonly RowSpec[] = [
  {
    id: PROCESSOR_ROW,
    label: 'processor handler: S3 emulator on loopback -> scanLog -> alerts -> SNS fake',
    kind: 'trailwatch',
    run: processorHandler,
  },
];

export interface RowFigures {
  mbPerSecond: number;
  peakRssMB: number;
}

/** The processor targets for one file size, given the handler's and the core's figures of the same run. */
export function processorTargetChecks(
  size: string,
  handler: RowFigures | undefined,
  core: RowFigures | undefined,
  why: string | undefined,
): Array<{ ok: boolean | undefined; text: string }> {
  const { ratioToCore, maxRssMB } = PROCESSOR_TARGETS;
  if (!handler) {
    return [
      {
        ok: undefined,
        text: `${size}: processor handler ≥ ${ratioToCore} × trailwatch scanLog: ${why ?? 'not measured'}`,
      },
      { ok: undefined, text: `${size}: processor handler peak RSS < ${maxRssMB} MB: ${why ?? 'not measured'}` },
    ];
  }
  const ratio = core ? handler.mbPerSecond / core.mbPerSecond : undefined;
  return [
    ratio === undefined
      ? {
          ok: undefined,
          text: `${size}: processor handler ≥ ${ratioToCore} × trailwatch scanLog: the scanLog row was not measured`,
        }
      : {
          ok: ratio >= ratioToCore,
          text: `${size}: processor handler ≥ ${ratioToCore} × trailwatch scanLog: ${handler.mbPerSecond.toFixed(0)} MB/s vs ${core?.mbPerSecond.toFixed(0) ?? '?'} MB/s = ${ratio.toFixed(2)}×`,
        },
    {
      ok: handler.peakRssMB < maxRssMB,
      text: `${size}: processor handler peak RSS < ${maxRssMB} MB: ${handler.peakRssMB.toFixed(0)} MB`,
    },
  ];
}
