// The sample day's story: 4. The Data API is excluded from the trail by an assumed-role session.
import { dbAdmin } from '../actors.js';
import { SAMPLE_TRAIL } from '../day.js';
import { EXCLUDING_SELECTORS, TRAIL_ARN } from '../resources.js';
import { dbAdminAssumeRole } from './calls.js';
import { putEventSelectors } from '../../cloudtrail-synth/cloudtrail-api.js';
import type { StoryEvent } from './story-event.js';

const session1 = '14:05:10';
const session1Key = 'ASIA6DBADMNSESSN0001';

/** 4. The Data API is excluded from the trail by an assumed-role session */
export const DATA_API_EXCLUDED: StoryEvent[] = [
  {
    call: dbAdminAssumeRole(session1, session1Key, 'token:dbadmin1'),
    who: 'ci-deployer (CLI)',
    what: 'Assumes DBAdminRole as session ops-maintenance',
    alerts: [],
  },
  {
    call: {
      at: '14:09:38',
      source: 'cloudtrail.amazonaws.com',
      name: 'GetEventSelectors',
      actor: dbAdmin(session1, session1Key, 'cloudtrail.get-event-selectors'),
      readOnly: true,
      request: { trailName: SAMPLE_TRAIL },
    },
    who: 'DBAdminRole/ops-maintenance (CLI)',
    what: "Reads the trail's event selectors",
    alerts: [],
    quiet: 'read-only CloudTrail call',
  },
  {
    call: {
      at: '14:10:02',
      source: 'cloudtrail.amazonaws.com',
      name: 'PutEventSelectors',
      actor: dbAdmin(session1, session1Key, 'cloudtrail.put-event-selectors'),
      readOnly: false,
      ...putEventSelectors(SAMPLE_TRAIL, TRAIL_ARN, { eventSelectors: EXCLUDING_SELECTORS }),
    },
    who: 'DBAdminRole/ops-maintenance (CLI)',
    what: 'Replaces the selectors with basic ones excluding rdsdata.amazonaws.com (ExcludeManagementEventSources); basic selectors also drop the rdsdataapi data events. No Data API record appears after this',
    alerts: ['rdsdata-logging-excluded'],
  },
];
