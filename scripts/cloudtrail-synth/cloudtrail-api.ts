// CloudTrail's own API in CloudTrail records: trails and their event selectors.
// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventSelectors.html
import type { JsonObject } from '../../shared/cloudtrail.js';

export function trailArn(region: string, account: string, name: string): string {
  return `arn:aws:cloudtrail:${region}:${account}:trail/${name}`;
}

/** PutEventSelectors with basic (`eventSelectors`) or advanced (`advancedEventSelectors`) selectors. */
export function putEventSelectors(
  trailName: string,
  arn: string,
  selectors: { eventSelectors: JsonObject[] } | { advancedEventSelectors: JsonObject[] },
): { request: JsonObject; response: JsonObject } {
  return { request: { trailName, ...selectors }, response: { trailARN: arn, ...selectors } };
}

/** A multi-region trail as CreateTrail/UpdateTrail return it, then `extra` (SNS, CloudWatch Logs settings). */
export function trailDescription(
  trail: { name: string; bucket: string; arn: string; logFileValidation: boolean },
  extra: JsonObject = {},
): JsonObject {
  return {
    name: trail.name,
    s3BucketName: trail.bucket,
    includeGlobalServiceEvents: true,
    isMultiRegionTrail: true,
    trailARN: trail.arn,
    logFileValidationEnabled: trail.logFileValidation,
    isOrganizationTrail: false,
    ...extra,
  };
}
