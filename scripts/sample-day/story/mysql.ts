// The sample day's story: 2. MySQL instance from the AWS CLI on the EC2 instance; 2 (cont.) The master password of mysqldb.
import { johndoeConsole, johndoeEc2 } from '../actors.js';
import { dbResponse, MYSQL, MYSQL_UP, MYSQLDB } from '../databases.js';
import type { StoryEvent } from './story-event.js';

/** 2. MySQL instance from the AWS CLI on the EC2 instance */
export const MYSQL_CLI: StoryEvent[] = [
  {
    call: {
      at: '11:28:03',
      source: 'rds.amazonaws.com',
      name: 'CreateDBInstance',
      actor: johndoeEc2('rds.create-db-instance'),
      readOnly: false,
      request: {
        dBInstanceIdentifier: 'mysql-db',
        allocatedStorage: 20,
        dBInstanceClass: 'db.m1.small',
        engine: 'mysql',
        masterUsername: 'mysql',
        masterUserPassword: '****',
      },
      error: {
        code: 'InvalidParameterValue',
        message: 'MasterUsername mysql cannot be used as it is a reserved word used by the engine',
      },
    },
    who: 'johndoe (CLI on EC2)',
    what: 'aws rds create-db-instance mysql-db with master username mysql: fails, reserved word',
    alerts: ['rds-failed-call'],
  },
  {
    call: {
      at: '11:30:41',
      source: 'rds.amazonaws.com',
      name: 'CreateDBInstance',
      actor: johndoeEc2('rds.create-db-instance'),
      readOnly: false,
      request: {
        dBInstanceIdentifier: 'mysql-db',
        allocatedStorage: 20,
        dBInstanceClass: 'db.m1.small',
        engine: 'mysql',
        masterUsername: 'dvohra',
        masterUserPassword: '****',
      },
      response: dbResponse(MYSQL, 'creating', { pending: { masterUserPassword: '****' } }),
    },
    who: 'johndoe (CLI on EC2)',
    what: 'aws rds create-db-instance mysql-db (mysql, db.m1.small, 20 GB, master user dvohra); the default VPC makes it publicly accessible (response publiclyAccessible: true, not requested)',
    alerts: ['rds-public-access'],
  },
  {
    call: {
      at: '11:33:15',
      source: 'rds.amazonaws.com',
      name: 'DescribeDBInstances',
      actor: johndoeEc2('rds.describe-db-instances'),
      readOnly: true,
      request: { dBInstanceIdentifier: 'mysql-db' },
    },
    who: 'johndoe (CLI on EC2)',
    what: 'aws rds describe-db-instances mysql-db',
    alerts: [],
  },
  {
    call: {
      at: '12:04:19',
      source: 'rds.amazonaws.com',
      name: 'ModifyDBInstance',
      actor: johndoeEc2('rds.modify-db-instance'),
      readOnly: false,
      request: {
        dBInstanceIdentifier: 'mysql-db',
        allocatedStorage: 100,
        dBInstanceClass: 'db.m1.large',
        applyImmediately: true,
        multiAZ: true,
        newDBInstanceIdentifier: 'mysqldb',
      },
      response: dbResponse(MYSQL_UP, 'available', {
        endpoint: true,
        pending: {
          dBInstanceClass: 'db.m1.large',
          allocatedStorage: 100,
          multiAZ: true,
          dBInstanceIdentifier: 'mysqldb',
        },
      }),
    },
    who: 'johndoe (CLI on EC2)',
    what: 'aws rds modify-db-instance mysql-db: 100 GB, db.m1.large, Multi-AZ, apply immediately, renamed to mysqldb',
    alerts: [],
  },
  {
    call: {
      at: '12:06:02',
      source: 'rds.amazonaws.com',
      name: 'DescribeDBEngineVersions',
      actor: johndoeConsole,
      readOnly: true,
      request: { engine: 'mysql', engineVersion: '8.0.43', defaultOnly: false, listSupportedCharacterSets: false },
    },
    who: 'johndoe (console)',
    what: "Console shows mysql-db, looks up the MySQL engine version (the walk-through's DescribeDBEngineVersion record)",
    alerts: [],
  },
  {
    call: {
      at: '12:09:51',
      source: 'rds.amazonaws.com',
      name: 'DescribeDBInstances',
      actor: johndoeEc2('rds.describe-db-instances'),
      readOnly: true,
      request: { dBInstanceIdentifier: 'mysqldb' },
    },
    who: 'johndoe (CLI on EC2)',
    what: 'aws rds describe-db-instances mysqldb (the new name)',
    alerts: [],
  },
];

/** 2 (cont.) The master password of mysqldb */
export const MASTER_PASSWORD: StoryEvent[] = [
  {
    call: {
      at: '13:21:02',
      source: 'rds.amazonaws.com',
      name: 'ModifyDBInstance',
      actor: johndoeEc2('rds.modify-db-instance'),
      readOnly: false,
      request: { dBInstanceIdentifier: 'mysqldb', masterUserPassword: '****', applyImmediately: true },
      response: dbResponse(MYSQLDB, 'available', { endpoint: true, pending: { masterUserPassword: '****' } }),
    },
    who: 'johndoe (CLI on EC2)',
    what: 'aws rds modify-db-instance mysqldb --master-user-password: new master password',
    alerts: ['rds-master-password-changed'],
  },
];
