// The sample day's story: 6. The trail is deleted at the end of the walk-through.
import { johndoeConsole } from '../actors.js';
import { TRAIL_ARN } from '../resources.js';
import type { StoryEvent } from './story-event.js';

/** 6. The trail is deleted at the end of the walk-through */
export const TRAIL_DELETED: StoryEvent[] = [
  {
    call: {
      at: '18:04:10',
      source: 'cloudtrail.amazonaws.com',
      name: 'DescribeTrails',
      actor: johndoeConsole,
      readOnly: true,
      request: { trailNameList: [], includeShadowTrails: true },
    },
    who: 'johndoe (console)',
    what: 'Opens the trail list',
    alerts: [],
    quiet: 'read-only CloudTrail call',
  },
  {
    call: {
      at: '18:05:12',
      source: 'cloudtrail.amazonaws.com',
      name: 'GetTrailStatus',
      actor: johndoeConsole,
      readOnly: true,
      request: { name: TRAIL_ARN },
    },
    who: 'johndoe (console)',
    what: 'Console shows the trail status',
    alerts: [],
    quiet: 'read-only CloudTrail call',
  },
  {
    call: {
      at: '18:09:27',
      source: 'cloudtrail.amazonaws.com',
      name: 'DeleteTrail',
      actor: johndoeConsole,
      readOnly: false,
      request: { name: TRAIL_ARN },
    },
    who: 'johndoe (console)',
    what: 'Deletes RDS-CloudTrail: the last record of the day',
    alerts: ['cloudtrail-logging-stopped'],
  },
];
