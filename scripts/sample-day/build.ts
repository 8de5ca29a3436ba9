// The day assembled: the story, the calls beside it and the background noise, as records in their files.
import type { CloudTrailRecord } from '../../shared/cloudtrail.js';
import { mulberry32, Random } from '../cloudtrail-synth/random.js';
import type { SignedDigest } from '../digest-signer.js';
import { NOISE_HOME, NOISE_WEST } from './background/tables.js';
import { type Call, toRecord } from './call.js';
import { fromSeconds, HOME, toSeconds } from './day.js';
import { DELIVERIES, type Delivery, deliveryFor, logKey } from './deliveries.js';
import { buildDigests } from './digests.js';
import { BESIDE_THE_STORY, ODDITIES } from './side-calls.js';
import { STORY, type StoryEvent } from './story/index.js';

/** How a record counts in the README and the test. */
export type RecordKind = 'RDS' | 'Data API' | 'CloudTrail' | 'noise';
export function kindOf(eventSource: string): RecordKind {
  if (eventSource === 'rds.amazonaws.com') return 'RDS';
  if (eventSource === 'rdsdata.amazonaws.com' || eventSource === 'rdsdataapi.amazonaws.com') return 'Data API';
  if (eventSource === 'cloudtrail.amazonaws.com') return 'CloudTrail';
  return 'noise';
}

export interface BuiltFile {
  delivery: Delivery;
  key: string;
  records: CloudTrailRecord[];
  json: string;
}

export interface SampleDay {
  files: BuiltFile[];
  story: { event: StoryEvent; record: CloudTrailRecord; file: BuiltFile }[];
  /** Hourly signed digests, one chain per region. */
  digests: SignedDigest[];
}

export function buildSampleDay(): SampleDay {
  let seq = 0;
  const byDelivery = new Map<string, CloudTrailRecord[]>(DELIVERIES.map((d) => [d.id, []]));
  const push = (call: Call): { record: CloudTrailRecord; delivery: Delivery } => {
    const delivery = deliveryFor(call);
    const record = toRecord(call, seq++);
    byDelivery.get(delivery.id)?.push(record);
    return { record, delivery };
  };
  const storyPlaced = STORY.map((event) => ({ event, ...push(event.call) }));
  for (const call of [...BESIDE_THE_STORY, ...ODDITIES]) push(call);
  for (const delivery of DELIVERIES) {
    const rng = new Random(mulberry32(`noise:${delivery.id}`));
    const table = delivery.region === HOME ? NOISE_HOME : NOISE_WEST;
    let made = 0;
    while (made < delivery.noise) {
      const at = fromSeconds(rng.range(toSeconds(delivery.from), toSeconds(delivery.to)));
      for (const call of rng.weighted(table)(rng, at, delivery.region)) {
        push({ ...call, region: delivery.region });
        made++;
      }
    }
  }
  const files: BuiltFile[] = DELIVERIES.map((delivery) => {
    const records = new Random(mulberry32(`order:${delivery.id}`)).shuffle([...(byDelivery.get(delivery.id) ?? [])]);
    return { delivery, key: logKey(delivery), records, json: JSON.stringify({ Records: records }) };
  });
  const fileOf = (d: Delivery): BuiltFile => {
    const f = files.find((x) => x.delivery.id === d.id);
    if (!f) throw new Error(`no file for ${d.id}`);
    return f;
  };
  return {
    files,
    story: storyPlaced.map(({ event, record, delivery }) => ({ event, record, file: fileOf(delivery) })),
    digests: buildDigests(files),
  };
}
