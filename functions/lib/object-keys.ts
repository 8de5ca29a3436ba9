// Object keys as the events write them, decoded to the key S3 has:
// - S3 event notifications URL-encode the key, form style (`+` is a space):
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
// - CloudTrail's SNS notification lists raw keys:
//   https://docs.aws.amazon.com/awscloudtrail/latest/userguide/configure-sns-notifications-for-cloudtrail.html
// - EventBridge's `detail.object.key` encoding is not documented
//   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html). A CloudTrail key never needs
//   encoding (only a user's prefix could), so: a key with no `%` or `+` is taken as it is; a key with valid
//   `%XX` escapes that decodes to something else is taken decoded, with the raw key as the alternative; a key
//   with `+` only is taken raw, with the form-decoded key as the alternative. The S3 reader tries the
//   alternative when S3 answers NoSuchKey (see s3-object.ts), so both readings are safe.
import { TriggerError } from './errors.js';

/** An S3 notification key: URL-encoded, form style. */
export function decodeNotificationKey(key: string): string {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    throw new TriggerError(
      'INVALID_TRIGGER',
      JSON.stringify(key),
      'S3 notification object key is not URL-encoded as S3 encodes keys',
    );
  }
}

const PERCENT_ESCAPE = /%[0-9A-Fa-f]{2}/;

/** An EventBridge key (encoding undocumented): the likelier reading first, the other as an alternative. */
export function eventBridgeKey(key: string): { key: string; alternatives: string[] } {
  if (!key.includes('%') && !key.includes('+')) return { key, alternatives: [] };
  let formDecoded: string | undefined;
  try {
    formDecoded = decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    // A lone `%` (or a broken escape): not an encoded key.
    return { key, alternatives: [] };
  }
  if (formDecoded === key) return { key, alternatives: [] };
  if (PERCENT_ESCAPE.test(key)) {
    // Clearly encoded: decode; a `+` beside `%XX` escapes is an encoded space too (form style).
    const alternatives = [key];
    const plusKept = decodeURIComponent(key);
    if (plusKept !== formDecoded && plusKept !== key) alternatives.unshift(plusKept);
    return { key: formDecoded, alternatives };
  }
  // Only `+`: a literal plus or an encoded space; the raw key is the likelier.
  return { key, alternatives: [formDecoded] };
}
