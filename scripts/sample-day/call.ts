// One API call of the day, as the story and the noise write it, and the CloudTrail record it becomes.
import type { CloudTrailRecord, CloudTrailResource, JsonObject, UserIdentity } from '../../shared/cloudtrail.js';
import { uuidFor } from '../cloudtrail-synth/labelled.js';
import { cloudTrailRecord, endpointHost, tlsDetails } from '../cloudtrail-synth/record.js';
import { SAMPLE_ACCOUNT, HOME, iso } from './day.js';

/** Who calls, from where, with what. */
export interface Actor {
  identity: UserIdentity;
  ip: string;
  userAgent: string;
  /** Console session credentials: the record carries sessionCredentialFromConsole "true" and no tlsDetails. */
  console?: boolean;
  /** A call an AWS service makes (sourceIPAddress is the service): no tlsDetails. */
  service?: boolean;
  tls?: 'TLSv1.3' | 'TLSv1.2';
}

export interface Call {
  /** 'HH:MM:SS' UTC on the sample day. */
  at: string;
  source: string;
  name: string;
  actor: Actor;
  /** Default us-east-1. */
  region?: string;
  request?: JsonObject | null;
  response?: JsonObject | null;
  error?: { code: string; message: string };
  additional?: JsonObject;
  readOnly: boolean;
  resources?: CloudTrailResource[];
  /** A data event (eventCategory Data, managementEvent false). */
  data?: boolean;
  eventType?: string;
  requestId?: string;
  version?: string;
  vpcEndpointId?: string;
  /** tlsDetails.clientProvidedHostHeader; null: no tlsDetails. */
  host?: string | null;
  /** Omit the given top-level fields (records that lack them in real logs). */
  omit?: ('errorCode' | 'requestID' | 'userAgent')[];
  /** Deliver in this file rather than the one whose window holds the event time (late delivery). */
  deliverIn?: string;
}

const VERSION_BY_SOURCE: Record<string, string> = {
  'sts.amazonaws.com': '1.08',
  'kms.amazonaws.com': '1.08',
  'signin.amazonaws.com': '1.08',
};

/** The record of `call`, the `seq`th of the day (its requestID and eventID derive from `seq`). */
export function toRecord(call: Call, seq: number): CloudTrailRecord {
  const region = call.region ?? HOME;
  const tlsVersion = call.actor.tls ?? 'TLSv1.3';
  const omit = new Set(call.omit);
  return cloudTrailRecord({
    eventVersion: call.version ?? VERSION_BY_SOURCE[call.source] ?? '1.09',
    userIdentity: call.actor.identity,
    eventTime: iso(call.at),
    eventSource: call.source,
    eventName: call.name,
    awsRegion: region,
    sourceIPAddress: call.actor.ip,
    userAgent: omit.has('userAgent') ? undefined : call.actor.userAgent,
    errorCode: omit.has('errorCode') ? undefined : call.error?.code,
    errorMessage: call.error?.message,
    requestParameters: call.request ?? null,
    responseElements: call.response ?? null,
    additionalEventData: call.additional,
    requestID: omit.has('requestID') ? undefined : (call.requestId ?? uuidFor(`request:${seq}`)),
    eventID: uuidFor(`event:${seq}`),
    readOnly: call.readOnly,
    resources: call.resources,
    eventType: call.eventType ?? 'AwsApiCall',
    managementEvent: call.data !== true,
    recipientAccountId: SAMPLE_ACCOUNT,
    vpcEndpointId: call.vpcEndpointId,
    eventCategory: call.data === true ? 'Data' : 'Management',
    tlsDetails:
      call.host === null || call.actor.console === true || call.actor.service === true
        ? undefined
        : tlsDetails(
            tlsVersion,
            tlsVersion === 'TLSv1.3' ? 'TLS_AES_128_GCM_SHA256' : 'ECDHE-RSA-AES128-GCM-SHA256',
            call.host ?? endpointHost(call.source, region),
          ),
    sessionCredentialFromConsole: call.actor.console === true ? 'true' : undefined,
  });
}
