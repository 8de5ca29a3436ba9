// The CloudTrail record kit both synthesisers build on (scripts/cloudtrail-synth/): seeded randomness that
// repeats, records laid out in CloudTrail's field order, the RDS description's member order, log-file keys as
// CloudTrail names them, and the response date form.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALNUM, HEX } from '../scripts/cloudtrail-synth/alphabets.js';
import { assumedRole } from '../scripts/cloudtrail-synth/identity.js';
import { charsFor, uuidFor } from '../scripts/cloudtrail-synth/labelled.js';
import { deliveryStamp, logFileKey } from '../scripts/cloudtrail-synth/log-file.js';
import { mulberry32, Random, sfc32 } from '../scripts/cloudtrail-synth/random.js';
import { dbInstance, type DbInstanceFields } from '../scripts/cloudtrail-synth/rds.js';
import { cloudTrailRecord, endpointHost, type RecordFields } from '../scripts/cloudtrail-synth/record.js';
import { eventTime, responseDate } from '../scripts/cloudtrail-synth/times.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html
const LOG_KEY =
  /^AWSLogs\/(\d{12})\/CloudTrail\/([a-z]{2}(?:-[a-z]+)+-\d)\/(\d{4})\/(\d{2})\/(\d{2})\/\1_CloudTrail_\2_\3\4\5T(\d{4})Z_([A-Za-z0-9]{16})\.json\.gz$/;

/** The order CloudTrail writes a record's top-level fields in. */
const FIELD_ORDER = [
  'eventVersion',
  'userIdentity',
  'eventTime',
  'eventSource',
  'eventName',
  'awsRegion',
  'sourceIPAddress',
  'userAgent',
  'errorCode',
  'errorMessage',
  'requestParameters',
  'responseElements',
  'additionalEventData',
  'requestID',
  'eventID',
  'readOnly',
  'resources',
  'eventType',
  'managementEvent',
  'recipientAccountId',
  'sharedEventID',
  'vpcEndpointId',
  'eventCategory',
  'tlsDetails',
  'sessionCredentialFromConsole',
];

const REQUIRED: RecordFields = {
  eventVersion: '1.09',
  userIdentity: { type: 'AWSService', invokedBy: 'rds.amazonaws.com' },
  eventTime: '2026-11-20T09:16:05Z',
  eventSource: 'rds.amazonaws.com',
  eventName: 'DescribeDBInstances',
  awsRegion: 'us-east-1',
  sourceIPAddress: 'rds.amazonaws.com',
  requestParameters: null,
  responseElements: null,
  eventID: uuidFor('event'),
  readOnly: true,
  eventType: 'AwsServiceEvent',
  managementEvent: true,
  recipientAccountId: '123456789012',
  eventCategory: 'Management',
};

const OPTIONAL: Partial<RecordFields> = {
  userAgent: 'rds.amazonaws.com',
  errorCode: 'AccessDenied',
  errorMessage: 'denied',
  additionalEventData: { a: 1 },
  requestID: uuidFor('request'),
  resources: [{ type: 'AWS::RDS::DBInstance', ARN: 'arn:aws:rds:us-east-1:123456789012:db:x' }],
  sharedEventID: uuidFor('shared'),
  vpcEndpointId: 'vpce-0a1b2c3d4e5f60718',
  tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: 'h' },
  sessionCredentialFromConsole: 'true',
};

describe('Random', () => {
  it('repeats the sfc32 sequence the bench files were made with (a change needs a new GENERATOR_VERSION)', () => {
    const rng = new Random(sfc32(0x7a11_3a7c));
    expect([rng.float(), rng.float()].map((x) => x * 2 ** 32)).toEqual([3334036061, 2879701851]);
  });

  it('repeats the mulberry32 sequence of a label, which the sample day is made with', () => {
    const rng = new Random(mulberry32('noise:d01'));
    expect([rng.float(), rng.float()].map((x) => x * 2 ** 32)).toEqual([3918081662, 1201560359]);
  });

  it('gives the same draws for the same seed and different draws for another', () => {
    const draw = (seed: number): string => new Random(sfc32(seed)).chars(ALNUM, 32);
    expect(draw(7)).toBe(draw(7));
    expect(draw(7)).not.toBe(draw(8));
  });

  it('refuses to pick from an empty list', () => {
    const rng = new Random(sfc32(1));
    expect(() => rng.pick([])).toThrow('pick from an empty list');
    expect(() => rng.weighted([])).toThrow('weighted pick from an empty list');
  });

  it('keeps range() within its bounds, both included', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: -1000, max: 1000 }), fc.nat(1000), (seed, min, span) => {
        const n = new Random(sfc32(seed)).range(min, min + span);
        return n >= min && n <= min + span && Number.isInteger(n);
      }),
    );
  });

  it('never picks an item of weight zero', () => {
    fc.assert(
      fc.property(fc.integer(), fc.array(fc.nat(5), { minLength: 1, maxLength: 8 }), (seed, weights) => {
        fc.pre(weights.some((w) => w > 0));
        const rng = new Random(sfc32(seed));
        const i = rng.weighted(weights.map((w, j) => [w, j] as const));
        return (weights[i] ?? 0) > 0;
      }),
    );
  });

  it('shuffles into a permutation of the same items', () => {
    fc.assert(
      fc.property(fc.integer(), fc.array(fc.integer()), (seed, items) => {
        const shuffled = new Random(sfc32(seed)).shuffle([...items]);
        expect([...shuffled].sort()).toEqual([...items].sort());
      }),
    );
  });

  it('makes version-4 UUIDs', () => {
    const rng = new Random(sfc32(3));
    for (let i = 0; i < 50; i++) expect(rng.uuid()).toMatch(UUID_V4);
  });
});

describe('labelled values', () => {
  it('derive a UUID from the label alone', () => {
    expect(uuidFor('event:1')).toBe(uuidFor('event:1'));
    expect(uuidFor('event:1')).not.toBe(uuidFor('event:2'));
    expect(uuidFor('event:1')).toMatch(UUID_V4);
  });

  it('derive characters of the alphabet, as many as asked (beyond one SHA-256)', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(100), (label, n) => {
        const s = charsFor(label, n, HEX);
        return s.length === n && /^[0-9a-f]*$/.test(s);
      }),
    );
  });
});

describe('cloudTrailRecord', () => {
  it('lays out any set of fields in CloudTrail order, with exactly the fields given', () => {
    const names = Object.keys(OPTIONAL) as (keyof RecordFields)[];
    fc.assert(
      fc.property(fc.subarray(names), (present) => {
        const fields: RecordFields = { ...REQUIRED };
        for (const name of present) Object.assign(fields, { [name]: OPTIONAL[name] });
        const keys = Object.keys(cloudTrailRecord(fields));
        expect(keys).toEqual(FIELD_ORDER.filter((k) => k in fields));
      }),
    );
  });

  it('leaves out an optional field given as undefined', () => {
    const record = cloudTrailRecord({ ...REQUIRED, userAgent: undefined, errorCode: undefined });
    expect(record).not.toHaveProperty('userAgent');
    expect(record).not.toHaveProperty('errorCode');
  });
});

describe('endpointHost', () => {
  it('names regional endpoints, and the global or shared ones where AWS has them', () => {
    expect(endpointHost('rds.amazonaws.com', 'eu-west-1')).toBe('rds.eu-west-1.amazonaws.com');
    expect(endpointHost('iam.amazonaws.com', 'eu-west-1')).toBe('iam.amazonaws.com');
    expect(endpointHost('signin.amazonaws.com', 'us-east-1')).toBe('signin.aws.amazon.com');
    expect(endpointHost('rdsdataapi.amazonaws.com', 'us-west-2')).toBe('rds-data.us-west-2.amazonaws.com');
  });
});

describe('identity', () => {
  it('writes an assumed role with its issuer, and invokedBy last when a service called', () => {
    const identity = assumedRole({
      account: '123456789012',
      role: 'DBAdminRole',
      roleId: 'AROA6DBADMNROLEXMPL7',
      session: 'ops',
      accessKeyId: 'ASIA6DBADMNSESSN0001',
      creationDate: '2026-11-20T14:05:10Z',
      mfa: false,
      invokedBy: 'lambda.amazonaws.com',
    });
    expect(identity.arn).toBe('arn:aws:sts::123456789012:assumed-role/DBAdminRole/ops');
    expect(identity.sessionContext?.sessionIssuer?.arn).toBe('arn:aws:iam::123456789012:role/DBAdminRole');
    expect(Object.keys(identity).at(-1)).toBe('invokedBy');
  });
});

describe('dbInstance', () => {
  const fields: DbInstanceFields = {
    id: 'db1',
    arn: 'arn:aws:rds:us-east-1:123456789012:db:db1',
    dbClass: 'db.t3.micro',
    engine: 'postgres',
    status: 'available',
    masterUsername: 'admin',
    allocatedStorage: 20,
    backupWindow: '03:00-03:30',
    backupRetention: 7,
    securityGroup: 'sg-1',
    parameterGroup: 'default.postgres17',
    availabilityZone: 'us-east-1a',
    subnetGroup: {},
    maintenanceWindow: 'sun:05:00-sun:05:30',
    pendingModifiedValues: {},
    multiAZ: false,
    engineVersion: '17.6',
    licenseModel: 'postgresql-license',
    optionGroup: 'default:postgres-17',
    publiclyAccessible: false,
    storageType: 'gp3',
    storageEncrypted: true,
    kmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/k',
    resourceId: 'db-ABC',
    monitoringInterval: 0,
    iamAuth: false,
    performanceInsights: false,
    deletionProtection: true,
    tagList: [],
    storageThroughput: 0,
  };

  it('puts availabilityZone and kmsKeyId where the RDS API has them', () => {
    const keys = Object.keys(dbInstance(fields));
    expect(keys.indexOf('availabilityZone')).toBe(keys.indexOf('dBParameterGroups') + 1);
    expect(keys.indexOf('kmsKeyId')).toBe(keys.indexOf('storageEncrypted') + 1);
  });

  it('moves the trailing members to the end in the order given, the others keeping theirs', () => {
    const inPlace = Object.keys(dbInstance(fields));
    const keys = Object.keys(dbInstance(fields, ['availabilityZone', 'characterSetName', 'kmsKeyId']));
    expect(keys.slice(-2)).toEqual(['availabilityZone', 'kmsKeyId']);
    expect(keys.slice(0, -2)).toEqual(inPlace.filter((k) => k !== 'availabilityZone' && k !== 'kmsKeyId'));
  });
});

describe('log files', () => {
  it('are named as CloudTrail names them', () => {
    const key = logFileKey({
      account: '123456789012',
      region: 'us-west-2',
      date: '2026-11-20',
      time: '1250',
      unique: charsFor('u', 16),
    });
    expect(key).toMatch(LOG_KEY);
    expect(key).toContain(`_${deliveryStamp('2026-11-20', '1250')}_`);
  });
});

describe('times', () => {
  it('writes eventTime to the second', () => {
    expect(eventTime(Date.UTC(2026, 10, 20, 9, 16, 5, 789))).toBe('2026-11-20T09:16:05Z');
  });

  it('writes response dates on a 12-hour clock, midnight and noon as 12', () => {
    expect(responseDate(Date.UTC(2026, 10, 20, 9, 16, 5))).toBe('Nov 20, 2026, 9:16:05 AM');
    expect(responseDate(Date.UTC(2026, 10, 20, 0, 0, 7))).toBe('Nov 20, 2026, 12:00:07 AM');
    expect(responseDate(Date.UTC(2026, 10, 20, 12, 30, 0))).toBe('Nov 20, 2026, 12:30:00 PM');
    expect(responseDate(Date.UTC(2026, 10, 20, 23, 59, 59))).toBe('Nov 20, 2026, 11:59:59 PM');
  });
});
