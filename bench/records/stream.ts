// The bench files' endless record stream: ~10 % rds.amazonaws.com, ~1 % RDS Data API (both sources), 0.3 %
// CloudTrail configuration calls, the rest other services. Every draw comes from one sfc32 stream in a fixed order:
// a change here changes the files (bump GENERATOR_VERSION in bench/generate.ts).
import { Random, sfc32 } from '../../scripts/cloudtrail-synth/random.js';
import { cloudTrailEvent, dataApiEvent } from './data-api-and-cloudtrail.js';
import { type Envelope, record } from './envelope.js';
import { otherEvent } from './other-services.js';
import { type Context, makePrincipals } from './principals.js';
import { rdsEvent } from './rds.js';
import { DB_WORDS, ENVS, REGIONS } from './vocabulary.js';

export type Category = 'rds' | 'rds-describe-large' | 'rdsdata' | 'rdsdataapi' | 'cloudtrail' | 'other';

export interface GeneratedRecord {
  category: Category;
  eventSource: string;
  /** The record's compact JSON text. */
  json: string;
}

function newContext(seed: number): Context {
  const rng = new Random(sfc32(seed));
  const dbIds: string[] = [];
  for (const w of DB_WORDS) for (const env of ENVS) dbIds.push(`${w}-${env}-${rng.range(1, 9)}`);
  const clusterIds = DB_WORDS.map((w) => `${w}-aurora-${rng.pick(ENVS)}`);
  return { rng, baseTime: Date.UTC(2024, 4, 14, 10, 0, 0), principals: makePrincipals(rng), dbIds, clusterIds };
}

/** An endless, deterministic sequence of records. */
export function* generateRecords(seed: number): Generator<GeneratedRecord> {
  const ctx = newContext(seed);
  const { rng } = ctx;
  for (;;) {
    const region = rng.weighted(REGIONS);
    const roll = rng.float();
    let category: Category;
    let envelope: Envelope;
    if (roll < 0.1) [category, envelope] = rdsEvent(ctx, region);
    else if (roll < 0.105) {
      category = 'rdsdata';
      envelope = dataApiEvent(ctx, region, 'rdsdata.amazonaws.com');
    } else if (roll < 0.11) {
      category = 'rdsdataapi';
      envelope = dataApiEvent(ctx, region, 'rdsdataapi.amazonaws.com');
    } else if (roll < 0.113) {
      category = 'cloudtrail';
      envelope = cloudTrailEvent(ctx, region);
    } else {
      category = 'other';
      envelope = otherEvent(ctx, region);
    }
    yield { category, eventSource: envelope.source, json: JSON.stringify(record(ctx, region, envelope)) };
  }
}
