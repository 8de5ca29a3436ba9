// Organisation trails end to end (issue 18): a bucket laid out as an organisation trail writes it
// (AWSLogs/o-xxxx/<account>/CloudTrail/...), with log files of four member accounts, one account's signed digest and
// an AWS Config file, run through the local pipeline behind `npm start` (s3rver, the bundled processor and indexer,
// the SNS and CloudWatch Logs fakes) with the organisation's rules file in RULES_YAML: OU and account overrides
// change what each account's records raise, and the alerts name the accounts. The sample day (events/logs/) is
// not touched: this bucket is built here, from the record fixtures moved into each account.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFailed, runLocalPipeline, type LocalRunResult } from '../scripts/local-run.js';
import { publicKeysJson, signDigest } from '../scripts/digest-signer.js';
import { alertEmails, summarize } from '../scripts/local/report.js';
import { protocolText } from '../scripts/local/sns-fake.js';
import { SAMPLE_BUCKET } from '../scripts/local/local-aws.js';
import { fingerprintOf } from '../shared/integrity/signature.js';
import { buildLocalBundles } from './helpers/local-bundles.js';
import { testKeyPair } from './helpers/signed-trail.js';
import {
  ORG_ID,
  ORG_RULES,
  PAYMENTS_PROD,
  recordInAccount,
  SANDBOX_ALICE,
  SANDBOX_BOB,
  UNLISTED,
} from './org-fixtures.js';

const ACCOUNTS = [PAYMENTS_PROD, SANDBOX_ALICE, SANDBOX_BOB, UNLISTED];
const FIXTURES = ['delete-db-instance', 'modify-db-instance-public', 'stop-logging'];
const REGION = 'us-east-1';
const DAY = `AWSLogs/${ORG_ID}`;

function logKey(account: string, n: number): string {
  return `${DAY}/${account}/CloudTrail/${REGION}/2026/11/20/${account}_CloudTrail_${REGION}_20261120T10${String(n).padStart(2, '0')}Z_${`org${n}`.padEnd(16, 'x')}.json.gz`;
}
const DIGEST_KEY = `${DAY}/${PAYMENTS_PROD}/CloudTrail-Digest/${REGION}/2026/11/20/${PAYMENTS_PROD}_CloudTrail-Digest_${REGION}_org-trail_${REGION}_20261120T104631Z.json.gz`;
const CONFIG_KEY = `${DAY}/${PAYMENTS_PROD}/Config/${REGION}/2026/11/20/ConfigHistory/${PAYMENTS_PROD}_Config_${REGION}_ConfigHistory_AWS::RDS::DBInstance_20261120T100500Z_20261120T100500Z_1.json.gz`;

interface AlertJson {
  rule: string;
  severity: string;
  account: string;
  accountName: string | null;
  eventID: string;
  file: string;
}

let dist: string;
let work: string;
let result: LocalRunResult;

/** The member accounts' log files (one per account, the fixtures moved into it), a digest of one, a Config file. */
async function writeOrgBucket(root: string): Promise<void> {
  const put = async (key: string, body: Buffer, metadata?: Record<string, string>) => {
    const file = path.join(root, ...key.split('/'));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, body);
    if (metadata) await writeFile(`${file}.s3-metadata.json`, JSON.stringify(metadata));
  };
  const listed = [];
  for (const [n, account] of ACCOUNTS.entries()) {
    const records = FIXTURES.map((fixture, i) => ({
      ...recordInAccount(fixture, account),
      eventTime: `2026-11-20T10:0${n}:${String(10 * i).padStart(2, '0')}Z`,
      // Unique per account: each is its own event (the fixtures share ids).
      eventID: `00000000-0000-4000-8000-${account}`.replace(/.{3}$/, `00${i}`),
    }));
    const json = JSON.stringify({ Records: records });
    await put(logKey(account, n + 1), gzipSync(json));
    if (account === PAYMENTS_PROD) {
      const times = records.map((r) => r.eventTime).sort();
      listed.push({
        bucket: SAMPLE_BUCKET,
        key: logKey(account, n + 1),
        json,
        oldestEventTime: times[0] ?? null,
        newestEventTime: times.at(-1) ?? null,
      });
    }
  }
  const { privateKey, der } = testKeyPair();
  const digest = signDigest(
    {
      bucket: SAMPLE_BUCKET,
      key: DIGEST_KEY,
      account: PAYMENTS_PROD,
      start: '2026-11-20T09:46:31Z',
      end: '2026-11-20T10:46:31Z',
      fingerprint: fingerprintOf(der),
      logFiles: listed,
    },
    undefined,
    privateKey,
  );
  await put(DIGEST_KEY, gzipSync(digest.json), digest.metadata);
  await put(CONFIG_KEY, gzipSync(JSON.stringify({ fileVersion: '1.0', configurationItems: [] })));
  await writeFile(
    path.join(root, 'public-keys.json'),
    publicKeysJson(der, { start: '2026-01-01T00:00:00Z', end: '2027-01-01T00:00:00Z' }),
  );
}

beforeAll(async () => {
  dist = await mkdtemp(path.join(os.tmpdir(), 'trailwatch-org-dist-'));
  work = await mkdtemp(path.join(os.tmpdir(), 'trailwatch-org-bucket-'));
  await buildLocalBundles(dist, ['processor', 'indexer']);
  await writeOrgBucket(work);
  result = await runLocalPipeline({
    distDir: dist,
    logsDir: work,
    env: { RULES_YAML: ORG_RULES, CLOUDTRAIL_PUBLIC_KEYS_FILE: path.join(work, 'public-keys.json') },
  });
}, 180_000);

afterAll(async () => {
  if (dist) await rm(dist, { recursive: true, force: true });
  if (work) await rm(work, { recursive: true, force: true });
});

function alerts(): AlertJson[] {
  return alertEmails(result).map((m) => JSON.parse(protocolText(m, 'default')) as AlertJson);
}

describe('an organisation trail through the local pipeline, with per-account and per-OU rules', () => {
  it('runs both functions on every object without failure, within the SNS and CloudWatch Logs limits', () => {
    expect(result.violations).toEqual([]);
    expect(runFailed(result)).toBe(false);
    const summary = summarize(result);
    expect(summary.processor.failed).toEqual([]);
    expect(summary.indexer.failed).toEqual([]);
    expect(summary.processor.filesRead).toBe(ACCOUNTS.length);
    expect(summary.indexer.filesRead).toBe(ACCOUNTS.length);
  });

  it("recognises the organisation's layout: log files read, the digest checked, the Config file skipped", () => {
    const summary = summarize(result);
    expect(summary.processor.skipped.map(({ key, reason }) => ({ key, reason }))).toEqual([
      { key: CONFIG_KEY, reason: 'aws-config' },
    ]);
    expect(summary.processor.integrity).toEqual({ digests: 1, logFiles: 1, notValid: [] });
    expect(
      summary.indexer.skipped.map(({ key, reason }) => ({ key, reason })).sort((a, b) => (a.key < b.key ? -1 : 1)),
    ).toEqual(
      [
        { key: CONFIG_KEY, reason: 'aws-config' },
        { key: DIGEST_KEY, reason: 'digest' },
      ].sort((a, b) => (a.key < b.key ? -1 : 1)),
    );
  });

  it("raises in each account what that account's rules say (account, rule, severity)", () => {
    const raised = alerts()
      .map((a) => `${a.account} ${a.rule} ${a.severity}`)
      .sort();
    expect(raised).toEqual(
      [
        // Production OU: public access raised to critical.
        `${PAYMENTS_PROD} rds-database-deleted high`,
        `${PAYMENTS_PROD} rds-public-access critical`,
        `${PAYMENTS_PROD} cloudtrail-logging-stopped critical`,
        // Sandbox OU: deletions exempt, public access low (MIN_SEVERITY low lets it through).
        `${SANDBOX_ALICE} rds-public-access low`,
        `${SANDBOX_ALICE} cloudtrail-logging-stopped critical`,
        // Its own scope: deletions exempt; in no OU, so public access keeps its severity.
        `${SANDBOX_BOB} rds-public-access high`,
        `${SANDBOX_BOB} cloudtrail-logging-stopped critical`,
        // Not in the rules file: the built-in rules as they are.
        `${UNLISTED} rds-database-deleted high`,
        `${UNLISTED} rds-public-access high`,
        `${UNLISTED} cloudtrail-logging-stopped critical`,
      ].sort(),
    );
  });

  it('names each account in its alerts: JSON accountName, subject and email; the id alone when it has no name', () => {
    const names = new Map(alerts().map((a) => [a.account, a.accountName]));
    expect(Object.fromEntries(names)).toEqual({
      [PAYMENTS_PROD]: 'payments-prod',
      [SANDBOX_ALICE]: 'sandbox-alice',
      [SANDBOX_BOB]: 'sandbox-bob',
      [UNLISTED]: null,
    });
    for (const message of alertEmails(result)) {
      const alert = JSON.parse(protocolText(message, 'default')) as AlertJson;
      const email = protocolText(message, 'email');
      expect(alert.file).toBe(`s3://${SAMPLE_BUCKET}/${logKey(alert.account, ACCOUNTS.indexOf(alert.account) + 1)}`);
      if (alert.accountName) {
        expect(message.subject).toContain(`(${alert.accountName} ${REGION})`);
        expect(email).toContain(`Account       ${alert.account} (${alert.accountName})`);
      } else {
        expect(message.subject).toContain(`(${alert.account} ${REGION})`);
        expect(email).toMatch(new RegExp(`Account {7}${alert.account}\\n`));
      }
    }
  });
});
