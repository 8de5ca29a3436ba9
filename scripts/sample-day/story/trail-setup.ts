// The sample day's story: Trail set-up finished in the console (walk-through: SNS topic, CloudWatch Logs).
import { johndoeConsole } from '../actors.js';
import { SAMPLE_ACCOUNT, HOME, SAMPLE_TRAIL } from '../day.js';
import { ADVANCED_SELECTORS, TRAIL_ARN, trailResponse } from '../resources.js';
import { putEventSelectors } from '../../cloudtrail-synth/cloudtrail-api.js';
import type { StoryEvent } from './story-event.js';

/** Trail set-up finished in the console (walk-through: SNS topic, CloudWatch Logs) */
export const TRAIL_SETUP: StoryEvent[] = [
  {
    call: {
      at: '08:55:40',
      source: 'cloudtrail.amazonaws.com',
      name: 'DescribeTrails',
      actor: johndoeConsole,
      readOnly: true,
      request: { trailNameList: [], includeShadowTrails: true },
    },
    who: 'johndoe (console)',
    what: 'Opens the CloudTrail console on the new trail RDS-CloudTrail',
    alerts: [],
    quiet: 'read-only CloudTrail call',
  },
  {
    call: {
      at: '08:57:02',
      source: 'cloudtrail.amazonaws.com',
      name: 'PutEventSelectors',
      actor: johndoeConsole,
      readOnly: false,
      ...putEventSelectors(SAMPLE_TRAIL, TRAIL_ARN, { advancedEventSelectors: ADVANCED_SELECTORS }),
    },
    who: 'johndoe (console)',
    what: 'Adds data events to the trail (advanced selectors: all management events, S3 objects of the two application buckets, RDS Data API on DB clusters)',
    alerts: [],
    quiet: 'adds events, excludes nothing: no rdsdata-logging-excluded',
  },
  {
    call: {
      at: '09:01:37',
      source: 'cloudtrail.amazonaws.com',
      name: 'UpdateTrail',
      actor: johndoeConsole,
      readOnly: false,
      request: { name: SAMPLE_TRAIL, snsTopicName: 'RDSCloudTrail' },
      response: trailResponse({
        snsTopicName: 'RDSCloudTrail',
        snsTopicARN: `arn:aws:sns:${HOME}:${SAMPLE_ACCOUNT}:RDSCloudTrail`,
      }),
    },
    who: 'johndoe (console)',
    what: 'Sends an SNS notification for every log file delivery (topic RDSCloudTrail)',
    alerts: ['cloudtrail-trail-updated'],
  },
  {
    call: {
      at: '09:11:05',
      source: 'cloudtrail.amazonaws.com',
      name: 'UpdateTrail',
      actor: johndoeConsole,
      readOnly: false,
      request: {
        name: SAMPLE_TRAIL,
        cloudWatchLogsLogGroupArn: `arn:aws:logs:${HOME}:${SAMPLE_ACCOUNT}:log-group:/aws/cloudtrail/rds:*`,
        cloudWatchLogsRoleArn: `arn:aws:iam::${SAMPLE_ACCOUNT}:role/CloudTrail_CloudWatchLogs_Role`,
      },
      response: trailResponse({
        snsTopicName: 'RDSCloudTrail',
        snsTopicARN: `arn:aws:sns:${HOME}:${SAMPLE_ACCOUNT}:RDSCloudTrail`,
        cloudWatchLogsLogGroupArn: `arn:aws:logs:${HOME}:${SAMPLE_ACCOUNT}:log-group:/aws/cloudtrail/rds:*`,
        cloudWatchLogsRoleArn: `arn:aws:iam::${SAMPLE_ACCOUNT}:role/CloudTrail_CloudWatchLogs_Role`,
      }),
    },
    who: 'johndoe (console)',
    what: 'Sends the trail to the CloudWatch Logs group /aws/cloudtrail/rds',
    alerts: ['cloudtrail-trail-updated'],
  },
];
