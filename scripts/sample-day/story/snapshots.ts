// The sample day's story: 5. Snapshots of mysqldb: one made public, one shared.
import { johndoeEc2 } from '../actors.js';
import { SHARE_ACCOUNT } from '../day.js';
import { MYSQLDB, snapshotResponse } from '../databases.js';
import { snapshotRestoreChange } from '../../cloudtrail-synth/rds.js';
import type { StoryEvent } from './story-event.js';

/** 5. Snapshots of mysqldb: one made public, one shared */
export const SNAPSHOTS: StoryEvent[] = [
  {
    call: {
      at: '14:58:10',
      source: 'rds.amazonaws.com',
      name: 'CreateDBSnapshot',
      actor: johndoeEc2('rds.create-db-snapshot'),
      readOnly: false,
      request: { dBSnapshotIdentifier: 'mysqldb-snap', dBInstanceIdentifier: 'mysqldb' },
      response: snapshotResponse('mysqldb-snap', MYSQLDB, '14:58:10'),
    },
    who: 'johndoe (CLI on EC2)',
    what: 'aws rds create-db-snapshot mysqldb-snap of mysqldb',
    alerts: ['rds-manual-snapshot-created'],
  },
  {
    call: {
      at: '15:01:02',
      source: 'rds.amazonaws.com',
      name: 'CreateDBSnapshot',
      actor: johndoeEc2('rds.create-db-snapshot'),
      readOnly: false,
      request: { dBSnapshotIdentifier: 'mysqldb-audit-snap', dBInstanceIdentifier: 'mysqldb' },
      response: snapshotResponse('mysqldb-audit-snap', MYSQLDB, '15:01:02'),
    },
    who: 'johndoe (CLI on EC2)',
    what: 'aws rds create-db-snapshot mysqldb-audit-snap of mysqldb',
    alerts: ['rds-manual-snapshot-created'],
  },
  {
    call: {
      at: '15:06:40',
      source: 'rds.amazonaws.com',
      name: 'ModifyDBSnapshotAttribute',
      actor: johndoeEc2('rds.modify-db-snapshot-attribute'),
      readOnly: false,
      ...snapshotRestoreChange('mysqldb-snap', { valuesToAdd: ['all'] }, ['all']),
    },
    who: 'johndoe (CLI on EC2)',
    what: 'Makes mysqldb-snap public (restore, valuesToAdd ["all"])',
    alerts: ['rds-snapshot-public'],
  },
  {
    call: {
      at: '15:09:12',
      source: 'rds.amazonaws.com',
      name: 'ModifyDBSnapshotAttribute',
      actor: johndoeEc2('rds.modify-db-snapshot-attribute'),
      readOnly: false,
      ...snapshotRestoreChange('mysqldb-audit-snap', { valuesToAdd: [SHARE_ACCOUNT] }, [SHARE_ACCOUNT]),
    },
    who: 'johndoe (CLI on EC2)',
    what: `Shares mysqldb-audit-snap with account ${SHARE_ACCOUNT}`,
    alerts: ['rds-snapshot-shared'],
  },
];
