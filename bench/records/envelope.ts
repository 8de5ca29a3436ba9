// One bench call -> one CloudTrail record: the call's own fields, and around them what varies per record (event
// version, time within a 5-minute window, source address, user agent, ids, VPC endpoint, TLS), drawn in a fixed
// order (the files depend on it).
import type { CloudTrailRecord, CloudTrailResource, JsonObject } from '../../shared/cloudtrail.js';
import { cloudTrailRecord, tlsDetails } from '../../scripts/cloudtrail-synth/record.js';
import type { Random } from '../../scripts/cloudtrail-synth/random.js';
import { eventTime } from '../../scripts/cloudtrail-synth/times.js';
import * as ua from '../../scripts/cloudtrail-synth/user-agents.js';
import { accountOf, type Context, type Principal } from './principals.js';
import { TLS_CIPHERS } from './vocabulary.js';

export interface Envelope {
  source: string;
  name: string;
  principal: Principal;
  readOnly: boolean;
  requestParameters: JsonObject | null;
  responseElements: JsonObject | null;
  error?: { code: string; message: string };
  resources?: CloudTrailResource[];
  additionalEventData?: JsonObject;
  eventCategory?: 'Management' | 'Data';
  eventType?: string;
}

function ip(rng: Random): string {
  return rng.chance(0.1)
    ? `2001:db8:${rng.hex(4)}::${rng.hex(3)}`
    : `${rng.range(3, 223)}.${rng.below(256)}.${rng.below(256)}.${rng.range(1, 254)}`;
}

/** The record of call `e` in `region`. */
export function record(ctx: Context, region: string, e: Envelope): CloudTrailRecord {
  const { rng } = ctx;
  const p = e.principal;
  const account = accountOf(ctx, p);
  const eventVersion = rng.pick(['1.08', '1.09', '1.10']);
  // Files are not in time order: times scatter over a 5-minute window.
  const time = eventTime(ctx.baseTime + rng.below(300_000));
  const sourceIPAddress = p.service ?? (p.console ? ip(rng) : rng.chance(0.05) ? 'AWS Internal' : ip(rng));
  const userAgent = p.service ?? (p.console ? ua.CONSOLE : rng.weighted(ua.MIX_2024));
  const requestID = rng.uuid();
  const eventID = rng.uuid();
  const sharedEventID = p.service && rng.chance(0.5) ? rng.uuid() : undefined;
  const vpcEndpointId = rng.chance(0.04) ? `vpce-${rng.hex(17)}` : undefined;
  // A simplified host (iam, signin and the Data API have other endpoints: cloudtrail-synth/record.ts
  // endpointHost); the bench files keep it so that they stay what GENERATOR_VERSION says.
  const tls = p.service
    ? undefined
    : tlsDetails(
        rng.chance(0.8) ? 'TLSv1.3' : 'TLSv1.2',
        rng.pick(TLS_CIPHERS),
        e.source.replace('.amazonaws.com', `.${region}.amazonaws.com`),
      );
  return cloudTrailRecord({
    eventVersion,
    userIdentity: p.identity,
    eventTime: time,
    eventSource: e.source,
    eventName: e.name,
    awsRegion: region,
    sourceIPAddress,
    userAgent,
    errorCode: e.error?.code,
    errorMessage: e.error?.message,
    requestParameters: e.requestParameters,
    responseElements: e.error ? null : e.responseElements,
    additionalEventData: e.additionalEventData,
    requestID,
    eventID,
    readOnly: e.readOnly,
    resources: e.resources,
    eventType: e.eventType ?? (p.service ? 'AwsServiceEvent' : 'AwsApiCall'),
    managementEvent: e.eventCategory !== 'Data',
    recipientAccountId: account,
    sharedEventID,
    vpcEndpointId,
    eventCategory: e.eventCategory ?? 'Management',
    tlsDetails: tls,
    sessionCredentialFromConsole: p.console ? 'true' : undefined,
  });
}
