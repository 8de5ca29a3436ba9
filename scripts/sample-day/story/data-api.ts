// The sample day's story: Data API in us-west-2 (the one call in the other region's file); 3. Data API on the Aurora Serverless cluster my-database-1.
import { johndoeLaptop } from '../actors.js';
import { HOME, WEST } from '../day.js';
import { MASKED } from '../../cloudtrail-synth/data-api.js';
import { CLUSTER_V1, DATA_API_SECRET } from '../resources.js';
import { reportsFnDataApi } from './calls.js';
import type { StoryEvent } from './story-event.js';

/** Data API in us-west-2 (the one call in the other region's file) */
export const DATA_API_WEST: StoryEvent[] = [
  {
    call: reportsFnDataApi('12:41:07', WEST, 'ExecuteStatement', {
      includeResultMetadata: true,
      formatRecordsAs: 'JSON',
    }),
    who: 'reports-fn-role/reports-fn (Lambda)',
    what: 'Data API ExecuteStatement on the Aurora Serverless v2 cluster metrics-aurora-v2 in us-west-2 (data event)',
    alerts: [],
  },
];

const v1 = { resourceArn: CLUSTER_V1, secretArn: DATA_API_SECRET };
const txn = 'AQC5SRDIm+ud5vJ8yV2Qx0Zy3Kx1pLsVbKQ0u8Yq3c9J7dEXAMPLE=';

/** 3. Data API on the Aurora Serverless cluster my-database-1 */
export const DATA_API: StoryEvent[] = [
  {
    call: {
      at: '13:22:05',
      source: 'rdsdata.amazonaws.com',
      name: 'ExecuteStatement',
      actor: johndoeLaptop('rds-data.execute-statement'),
      readOnly: false,
      request: {
        continueAfterTimeout: false,
        database: MASKED,
        includeResultMetadata: false,
        parameters: [],
        resourceArn: CLUSTER_V1,
        schema: MASKED,
        secretArn: DATA_API_SECRET,
        sql: MASKED,
      },
    },
    who: 'johndoe (CLI, laptop)',
    what: 'Data API ExecuteStatement on my-database-1 (Aurora Serverless v1; SQL masked)',
    alerts: [],
  },
  {
    call: {
      at: '13:24:40',
      source: 'rdsdata.amazonaws.com',
      name: 'BeginTransaction',
      actor: johndoeLaptop('rds-data.begin-transaction'),
      readOnly: false,
      request: { ...v1, database: MASKED, schema: MASKED },
    },
    who: 'johndoe (CLI, laptop)',
    what: 'Data API BeginTransaction on my-database-1',
    alerts: [],
  },
  {
    call: {
      at: '13:24:58',
      source: 'rdsdata.amazonaws.com',
      name: 'BatchExecuteStatement',
      actor: johndoeLaptop('rds-data.batch-execute-statement'),
      readOnly: false,
      request: { ...v1, database: MASKED, schema: MASKED, sql: MASKED, transactionId: txn },
    },
    who: 'johndoe (CLI, laptop)',
    what: 'Data API BatchExecuteStatement in the transaction',
    alerts: [],
  },
  {
    call: {
      at: '13:25:03',
      source: 'rdsdata.amazonaws.com',
      name: 'CommitTransaction',
      actor: johndoeLaptop('rds-data.commit-transaction'),
      readOnly: false,
      request: { ...v1, transactionId: txn },
      response: { transactionStatus: 'Transaction Committed' },
    },
    who: 'johndoe (CLI, laptop)',
    what: 'Data API CommitTransaction',
    alerts: [],
  },
  {
    call: reportsFnDataApi('13:27:19', HOME, 'ExecuteStatement', {
      includeResultMetadata: true,
      formatRecordsAs: 'JSON',
    }),
    who: 'reports-fn-role/reports-fn (Lambda)',
    what: 'Data API ExecuteStatement on the Aurora Serverless v2 cluster reports-aurora-v2 (data event)',
    alerts: [],
  },
  {
    call: reportsFnDataApi('13:29:44', HOME, 'BatchExecuteStatement'),
    who: 'reports-fn-role/reports-fn (Lambda)',
    what: 'Data API BatchExecuteStatement on reports-aurora-v2 (data event)',
    alerts: [],
  },
];
