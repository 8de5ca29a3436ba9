// The record envelope: every field a generator has decided, laid out in the order CloudTrail writes them
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html and
// the real records in test/fixtures/corpus/). Optional fields left undefined are absent from the record.
import type { CloudTrailRecord, CloudTrailResource, JsonObject, UserIdentity } from '../../shared/cloudtrail.js';

export interface TlsDetails extends JsonObject {
  tlsVersion: string;
  cipherSuite: string;
  clientProvidedHostHeader: string;
}

export interface RecordFields {
  eventVersion: string;
  userIdentity: UserIdentity;
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent?: string | undefined;
  errorCode?: string | undefined;
  errorMessage?: string | undefined;
  requestParameters: JsonObject | null;
  responseElements: JsonObject | null;
  additionalEventData?: JsonObject | undefined;
  requestID?: string | undefined;
  eventID: string;
  readOnly: boolean;
  resources?: CloudTrailResource[] | undefined;
  eventType: string;
  managementEvent: boolean;
  recipientAccountId: string;
  sharedEventID?: string | undefined;
  vpcEndpointId?: string | undefined;
  eventCategory: 'Management' | 'Data';
  tlsDetails?: TlsDetails | undefined;
  sessionCredentialFromConsole?: 'true' | undefined;
}

/** The record, fields in CloudTrail's order. */
export function cloudTrailRecord(f: RecordFields): CloudTrailRecord {
  const r: CloudTrailRecord = {
    eventVersion: f.eventVersion,
    userIdentity: f.userIdentity,
    eventTime: f.eventTime,
    eventSource: f.eventSource,
    eventName: f.eventName,
    awsRegion: f.awsRegion,
    sourceIPAddress: f.sourceIPAddress,
  };
  if (f.userAgent !== undefined) r.userAgent = f.userAgent;
  if (f.errorCode !== undefined) r.errorCode = f.errorCode;
  if (f.errorMessage !== undefined) r.errorMessage = f.errorMessage;
  r.requestParameters = f.requestParameters;
  r.responseElements = f.responseElements;
  if (f.additionalEventData !== undefined) r.additionalEventData = f.additionalEventData;
  if (f.requestID !== undefined) r.requestID = f.requestID;
  r.eventID = f.eventID;
  r.readOnly = f.readOnly;
  if (f.resources !== undefined) r.resources = f.resources;
  r.eventType = f.eventType;
  r.managementEvent = f.managementEvent;
  r.recipientAccountId = f.recipientAccountId;
  if (f.sharedEventID !== undefined) r.sharedEventID = f.sharedEventID;
  if (f.vpcEndpointId !== undefined) r.vpcEndpointId = f.vpcEndpointId;
  r.eventCategory = f.eventCategory;
  if (f.tlsDetails !== undefined) r.tlsDetails = f.tlsDetails;
  if (f.sessionCredentialFromConsole !== undefined) r.sessionCredentialFromConsole = f.sessionCredentialFromConsole;
  return r;
}

export function tlsDetails(tlsVersion: string, cipherSuite: string, clientProvidedHostHeader: string): TlsDetails {
  return { tlsVersion, cipherSuite, clientProvidedHostHeader };
}

/**
 * The endpoint host a client names for `eventSource` in `region` (tlsDetails.clientProvidedHostHeader): regional
 * except for IAM and console sign-in; the Data API's two event sources share the rds-data endpoint.
 * https://docs.aws.amazon.com/general/latest/gr/rande.html
 */
export function endpointHost(eventSource: string, region: string): string {
  const service = eventSource.replace(/\.amazonaws\.com$/, '');
  if (service === 'iam') return 'iam.amazonaws.com';
  if (service === 'signin') return 'signin.aws.amazon.com';
  if (service === 'rdsdata' || service === 'rdsdataapi') return `rds-data.${region}.amazonaws.com`;
  return `${service}.${region}.amazonaws.com`;
}

/** A `resources` entry: type and ARN, with the owning account first when given. */
export function resource(type: string, arn: string, accountId?: string): CloudTrailResource {
  return accountId === undefined ? { type, ARN: arn } : { accountId, type, ARN: arn };
}
