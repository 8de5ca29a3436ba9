// The sample day's story as data, in the order it happens (the order also numbers the records: their
// requestID and eventID derive from it, so appending keeps every existing id).
import { DATA_API_EXCLUDED } from './data-api-excluded.js';
import { DATA_API, DATA_API_WEST } from './data-api.js';
import { LOGGING_STOPPED } from './logging-stopped.js';
import { MASTER_PASSWORD, MYSQL_CLI } from './mysql.js';
import { ORACLE } from './oracle.js';
import { ROOT } from './root.js';
import { SNAPSHOTS } from './snapshots.js';
import type { StoryEvent } from './story-event.js';
import { TRAIL_DELETED } from './trail-deleted.js';
import { TRAIL_SETUP } from './trail-setup.js';

export type { StoryEvent } from './story-event.js';

export const STORY: readonly StoryEvent[] = [
  ...TRAIL_SETUP,
  ...ORACLE,
  ...MYSQL_CLI,
  ...DATA_API_WEST,
  ...MASTER_PASSWORD,
  ...DATA_API,
  ...DATA_API_EXCLUDED,
  ...SNAPSHOTS,
  ...LOGGING_STOPPED,
  ...ROOT,
  ...TRAIL_DELETED,
];
