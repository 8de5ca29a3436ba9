// A CloudTrail record -> the facts rules and the index need. Pure: no I/O, never throws on a record the
// reader accepted (only eventSource, eventName and eventTime are guaranteed; anything else may be missing,
// null, of an unexpected type, or truncated by CloudTrail).
import type { CloudTrailRecord } from '../cloudtrail.js';
import { categorize } from './categories.js';
import { dataApiLoggingOf } from './data-api-logging.js';
import { principalOf } from './principal.js';
import { resourcesOf } from './resources.js';
import type { ClassifiedEvent, EventFacts } from './types.js';

export function classify(record: CloudTrailRecord): ClassifiedEvent {
  const category = categorize(record);
  const facts: EventFacts = {
    category,
    principal: principalOf(record.userIdentity),
    resources: resourcesOf(record, category),
    failed: typeof record.errorCode === 'string' && record.errorCode !== '',
  };
  const dataApiLogging = dataApiLoggingOf(record);
  if (dataApiLogging) facts.dataApiLogging = dataApiLogging;
  return { record, facts };
}
