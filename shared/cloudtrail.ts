// Types for CloudTrail log records, after the CloudTrail record contents reference:
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
// Only eventSource, eventName and eventTime are guaranteed (the reader checks them); every other
// field may be absent on real records, so every other field is optional here.

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html */
export interface SessionIssuer {
  type?: string;
  principalId?: string;
  arn?: string;
  accountId?: string;
  userName?: string;
}

export interface SessionContext {
  sessionIssuer?: SessionIssuer;
  attributes?: { creationDate?: string; mfaAuthenticated?: string };
  sourceIdentity?: string;
  webIdFederationData?: JsonObject;
  ec2RoleDelivery?: string;
}

export interface UserIdentity {
  type?: string;
  principalId?: string;
  arn?: string;
  accountId?: string;
  accessKeyId?: string;
  userName?: string;
  invokedBy?: string;
  identityProvider?: string;
  credentialId?: string;
  sessionContext?: SessionContext;
  onBehalfOf?: JsonObject;
  [key: string]: JsonValue | SessionContext | undefined;
}

export interface CloudTrailResource {
  ARN?: string;
  accountId?: string;
  type?: string;
}

export interface CloudTrailRecord {
  eventSource: string;
  eventName: string;
  eventTime: string;
  eventVersion?: string;
  userIdentity?: UserIdentity;
  awsRegion?: string;
  sourceIPAddress?: string;
  userAgent?: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters?: JsonObject | null;
  responseElements?: JsonObject | null;
  additionalEventData?: JsonObject;
  requestID?: string;
  eventID?: string;
  readOnly?: boolean;
  resources?: CloudTrailResource[];
  eventType?: string;
  managementEvent?: boolean;
  recipientAccountId?: string;
  eventCategory?: string;
  sharedEventID?: string;
  vpcEndpointId?: string;
  sessionCredentialFromConsole?: string;
  [key: string]: JsonValue | UserIdentity | CloudTrailResource[] | undefined;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The delivery time in a CloudTrail log file's name, `<account>_CloudTrail_<region>_YYYYMMDDTHHmmZ_<id>.json.gz`
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-examples.html): year, month, day,
 * hour and minute are its five groups. No `g` flag, so `exec` keeps no state between calls.
 */
export const LOG_FILE_DELIVERY_TIME = /_CloudTrail_[a-z0-9-]+_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z_/;
