// `trailwatch rules import-sigma`: every Sigma construct the converter accepts, matched against CloudTrail-shaped
// records through the real rule engine, and every refusal with its reason. The Sigma rules are our own.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { convertSigmaText, type SigmaConversion } from '../cli/sigma-import.js';
import { runImportSigma } from '../cli/import-sigma-command.js';
import { main } from '../cli/trailwatch.js';
import { compileRuleset } from '../shared/rules/engine.js';
import { parseRulesFile } from '../shared/rules/rules-file.js';
import { classify } from '../shared/classify/index.js';
import type { CloudTrailRecord } from '../shared/cloudtrail.js';
import { loadRecord } from './record-fixtures.js';

const SIGMA_DIR = fileURLToPath(new URL('./fixtures/sigma/', import.meta.url));

/** A Sigma rule for CloudTrail with this detection (YAML, indented under `detection:`). */
function sigma(detection: string, extra = ''): string {
  return `title: Test Rule\nid: 11111111-2222-3333-4444-555555555555\nlogsource:\n    product: aws\n    service: cloudtrail\n${extra}detection:\n${detection.replace(/^/gm, '    ')}\nlevel: medium\n`;
}

function convert(detection: string, extra = ''): SigmaConversion {
  const [conversion] = convertSigmaText(sigma(detection, extra), 'test.yml');
  if (!conversion) throw new Error('no conversion');
  return conversion;
}

/** Does the converted rule raise on this record (through the engine, with the rule's exceptions)? */
function raises(conversion: SigmaConversion, record: CloudTrailRecord): boolean {
  if (!conversion.rule) throw new Error(`refused: ${conversion.refused}`);
  const ruleset = compileRuleset({
    builtins: false,
    files: [{ source: 'test', content: { rules: [conversion.rule] } }],
  });
  return ruleset.evaluate(classify(record)).length > 0;
}

const stopLogging = loadRecord('stop-logging');
const deleteTrail = loadRecord('delete-trail');
const startLogging = loadRecord('start-logging');
const with_ = (record: CloudTrailRecord, changes: Partial<CloudTrailRecord>): CloudTrailRecord => ({
  ...record,
  ...changes,
});

describe('Sigma conversion: selections and conditions', () => {
  it('a selection map is an AND of its fields, compared case-insensitively except eventSource/eventName', () => {
    const c = convert(
      'selection:\n    eventSource: cloudtrail.amazonaws.com\n    eventName: StopLogging\n    awsRegion: US-EAST-1\ncondition: selection',
    );
    expect(raises(c, stopLogging)).toBe(true);
    expect(raises(c, with_(stopLogging, { awsRegion: 'eu-west-1' }))).toBe(false);
    expect(raises(c, deleteTrail)).toBe(false);
    expect(c.rule?.match).toEqual({
      eventSource: ['cloudtrail.amazonaws.com'],
      eventName: ['StopLogging'],
      awsRegion: [{ 'equals-ignore-case': 'US-EAST-1' }],
    });
  });

  it('a list of values is an OR', () => {
    const c = convert('selection:\n    eventName:\n        - StopLogging\n        - DeleteTrail\ncondition: selection');
    expect([raises(c, stopLogging), raises(c, deleteTrail), raises(c, startLogging)]).toEqual([true, true, false]);
  });

  it('a list of maps is an OR of the maps', () => {
    const c = convert('selection:\n    - eventName: StopLogging\n    - eventName: DeleteTrail\ncondition: selection');
    expect([raises(c, stopLogging), raises(c, deleteTrail), raises(c, startLogging)]).toEqual([true, true, false]);
  });

  it('"selection and not filter" puts the filter in the exceptions', () => {
    const c = convert(
      'selection:\n    eventName: StopLogging\nfilter:\n    sourceIPAddress: 203.0.113.7\ncondition: selection and not filter',
    );
    expect(c.rule?.except?.patterns).toHaveLength(1);
    expect(raises(c, stopLogging)).toBe(true);
    expect(raises(c, with_(stopLogging, { sourceIPAddress: '203.0.113.7' }))).toBe(false);
  });

  it('"1 of selection*" is an OR of the matching identifiers', () => {
    const c = convert(
      'selection_stop:\n    eventName: StopLogging\nselection_delete:\n    eventName: DeleteTrail\ncondition: 1 of selection*',
    );
    expect([raises(c, stopLogging), raises(c, deleteTrail), raises(c, startLogging)]).toEqual([true, true, false]);
  });

  it('"all of them" is an AND of every identifier', () => {
    const c = convert(
      'sel_source:\n    eventSource: cloudtrail.amazonaws.com\nsel_name:\n    eventName: StopLogging\ncondition: all of them',
    );
    expect([raises(c, stopLogging), raises(c, deleteTrail)]).toEqual([true, false]);
  });

  it('and / or / not with parentheses: "(a or b) and not c"', () => {
    const c = convert(
      'a:\n    eventName: StopLogging\nb:\n    eventName: DeleteTrail\nc:\n    awsRegion: eu-west-1\ncondition: (a or b) and not c',
    );
    expect([
      raises(c, stopLogging),
      raises(c, deleteTrail),
      raises(c, with_(deleteTrail, { awsRegion: 'eu-west-1' })),
    ]).toEqual([true, true, false]);
  });

  it('several "and not" filters each silence the rule', () => {
    const c = convert(
      'sel:\n    eventName: StopLogging\nf1:\n    awsRegion: eu-west-1\nf2:\n    sourceIPAddress: 203.0.113.7\ncondition: sel and not f1 and not f2',
    );
    expect(raises(c, with_(stopLogging, { awsRegion: 'eu-west-1' }))).toBe(false);
    expect(raises(c, with_(stopLogging, { sourceIPAddress: '203.0.113.7' }))).toBe(false);
    expect(raises(c, stopLogging)).toBe(true);
  });
});

describe('Sigma conversion: modifiers', () => {
  const agent = (userAgent: string) => with_(stopLogging, { userAgent });

  it('contains matches a substring (case-sensitively, and says so)', () => {
    const c = convert('sel:\n    userAgent|contains: Boto3\ncondition: sel');
    expect([raises(c, agent('x Boto3/1.2 y')), raises(c, agent('boto3/1.2'))]).toEqual([true, false]);
    expect(c.notes.join()).toMatch(/case-sensitive/);
  });

  it('startswith and endswith match case-insensitively', () => {
    const start = convert('sel:\n    userAgent|startswith: AWS-CLI/\ncondition: sel');
    const end = convert('sel:\n    userAgent|endswith: .EXE\ncondition: sel');
    expect([raises(start, agent('aws-cli/2.1')), raises(start, agent('x aws-cli/2.1'))]).toEqual([true, false]);
    expect([raises(end, agent('tool.exe')), raises(end, agent('tool.exe x'))]).toEqual([true, false]);
  });

  it('all with a single value is kept', () => {
    const c = convert('sel:\n    eventName|all: StopLogging\ncondition: sel');
    expect(raises(c, stopLogging)).toBe(true);
  });

  it('re: literals, anchors, ".*" and a top-level alternation are converted', () => {
    const c = convert('sel:\n    userAgent|re: ^(aws-cli/.*|Boto3/1\\.2)$\ncondition: sel');
    expect([raises(c, agent('aws-cli/2.22')), raises(c, agent('Boto3/1.2')), raises(c, agent('Boto3/1.23'))]).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('cidr matches addresses in the block', () => {
    const c = convert('sel:\n    sourceIPAddress|cidr: 203.0.113.0/24\ncondition: sel');
    expect([
      raises(c, with_(stopLogging, { sourceIPAddress: '203.0.113.9' })),
      raises(c, with_(stopLogging, { sourceIPAddress: '198.51.100.9' })),
    ]).toEqual([true, false]);
  });

  it('exists: true and false', () => {
    const present = convert('sel:\n    errorCode|exists: true\ncondition: sel');
    const absent = convert('sel:\n    errorCode|exists: false\ncondition: sel');
    expect([raises(present, loadRecord('stop-logging-failed')), raises(present, stopLogging)]).toEqual([true, false]);
    expect([raises(absent, loadRecord('stop-logging-failed')), raises(absent, stopLogging)]).toEqual([false, true]);
  });

  it('"*" wildcards in plain values', () => {
    const c = convert('sel:\n    eventName: Stop*\ncondition: sel');
    expect([raises(c, stopLogging), raises(c, startLogging)]).toEqual([true, false]);
  });
});

describe('Sigma conversion: metadata', () => {
  it('keeps id, title, description, references and false positives, and maps level to severity', () => {
    const [c] = convertSigmaText(
      readFileSync(path.join(SIGMA_DIR, 'rds-snapshot-public.yml'), 'utf8'),
      'rds-snapshot-public.yml',
    );
    expect(c?.rule).toMatchObject({
      id: 'sigma-rds-snapshot-restorable-by-everyone',
      severity: 'critical',
      title: 'RDS Snapshot Restorable By Everyone',
    });
    expect(c?.rule?.description).toContain('3f9c1d2e-7a4b-4c5d-8e6f-0a1b2c3d4e5f');
    expect(c?.rule?.description).toContain('restore attribute was opened');
    expect(c?.rule?.nextSteps).toEqual([
      'Known false positive (Sigma): Public datasets published on purpose',
      'Reference: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBSnapshotAttribute.html',
    ]);
  });

  it.each([
    ['informational', 'info'],
    ['low', 'low'],
    ['high', 'high'],
    ['critical', 'critical'],
  ])('level %s is severity %s', (level, severity) => {
    const [c] = convertSigmaText(
      sigma('sel:\n    eventName: StopLogging\ncondition: sel').replace('level: medium', `level: ${level}`),
      't.yml',
    );
    expect(c?.rule?.severity).toBe(severity);
  });
});

describe('Sigma conversion: refusals name the reason', () => {
  it.each([
    [
      'another logsource',
      sigma('sel:\n    eventName: X\ncondition: sel').replace('service: cloudtrail', 'service: s3'),
      /logsource is not/,
    ],
    ['an aggregation', sigma('sel:\n    eventName: X\ncondition: sel | count() > 5'), /aggregation/],
    ['a timeframe', sigma('sel:\n    eventName: X\ntimeframe: 5m\ncondition: sel'), /timeframe/],
    ['a keyword list', sigma('keywords:\n    - StopLogging\ncondition: keywords'), /keyword/],
    [
      'fieldref',
      sigma('sel:\n    userIdentity.arn|fieldref: requestParameters.userName\ncondition: sel'),
      /fieldref.*compares two fields/,
    ],
    ['base64', sigma('sel:\n    userAgent|base64: abc\ncondition: sel'), /"base64"/],
    ['a "?" wildcard', sigma('sel:\n    eventName: Stop?ogging\ncondition: sel'), /single-character wildcard/],
    [
      'a regex beyond the pattern language',
      sigma('sel:\n    userAgent|re: ^aws-cli/[0-9]+\ncondition: sel'),
      /uses "\["/,
    ],
    [
      'contains|all with several values',
      sigma('sel:\n    userAgent|contains|all:\n        - a\n        - b\ncondition: sel'),
      /\|all/,
    ],
    [
      'a search of an object field as text',
      sigma('sel:\n    requestParameters|contains: Suspended\ncondition: sel'),
      /requestParameters is an object/,
    ],
    [
      'a negation not at the top',
      sigma('a:\n    eventName: X\nb:\n    awsRegion: y\ncondition: a or not b'),
      /"not" is only supported/,
    ],
    ['a lone not', sigma('a:\n    eventName: X\ncondition: not a'), /"not" is only supported/],
    ['an unknown identifier', sigma('a:\n    eventName: X\ncondition: a and b'), /no search identifier "b"/],
    [
      'two conditions on one field',
      sigma('a:\n    eventName: X\nb:\n    eventName|startswith: Y\ncondition: a and b'),
      /two conditions on "eventName"/,
    ],
    [
      'an unknown level',
      sigma('a:\n    eventName: X\ncondition: a').replace('level: medium', 'level: severe'),
      /level "severe"/,
    ],
    ['"1 of" matching nothing', sigma('a:\n    eventName: X\ncondition: 1 of filter*'), /matches no search identifier/],
  ])('refuses %s', (_name, text, reason) => {
    const [c] = convertSigmaText(text, 't.yml');
    expect(c?.rule).toBeUndefined();
    expect(c?.refused).toMatch(reason);
  });

  it('refuses a file that is not YAML, naming the file', () => {
    const [c] = convertSigmaText('title: [unclosed', 'broken.yml');
    expect(c).toMatchObject({ source: 'broken.yml', refused: expect.stringMatching(/not valid YAML/) });
  });
});

describe('trailwatch rules import-sigma', () => {
  it('converts a folder, lists what it refused on stderr, and the output loads with --rules and raises', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'trailwatch-sigma-')), 'sigma-rules.yaml');
    const code = await main(['rules', 'import-sigma', SIGMA_DIR, '--out', file], {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      interactive: false,
    });
    expect(code).toBe(1);
    expect(err).toContainEqual(
      expect.stringMatching(/^not converted: .*not-cloudtrail\.yml: Not A CloudTrail Rule: logsource is not/),
    );
    expect(err.at(-1)).toBe(`2 of 3 Sigma rules converted into ${file}.`);
    const ruleset = compileRuleset({
      builtins: false,
      files: [{ source: file, content: parseRulesFile(readFileSync(file, 'utf8'), file) }],
    });
    expect(ruleset.evaluate(classify(stopLogging)).map((r) => r.id)).toEqual(['sigma-trail-stopped-or-deleted']);
    expect(ruleset.evaluate(classify(with_(stopLogging, { sourceIPAddress: '10.1.2.3' })))).toEqual([]);
    expect(ruleset.evaluate(classify(loadRecord('modify-db-snapshot-attribute-public'))).map((r) => r.id)).toEqual([
      'sigma-rds-snapshot-restorable-by-everyone',
    ]);
  });

  it('prints the rules file on stdout without --out, and exits 0 when everything converted', () => {
    const out: string[] = [];
    const code = runImportSigma([path.join(SIGMA_DIR, 'cloudtrail-stopped.yml')], {
      out: (l) => out.push(l),
      err: () => undefined,
    });
    expect(code).toBe(0);
    expect(parseRulesFile(out.join('\n'), 'stdout').rules?.map((r) => r.id)).toEqual([
      'sigma-trail-stopped-or-deleted',
    ]);
  });

  it('gives a usage error for a missing path', async () => {
    const err: string[] = [];
    expect(
      await main(['rules', 'import-sigma', '/nonexistent/sigma'], {
        out: () => undefined,
        err: (l) => err.push(l),
        interactive: false,
      }),
    ).toBe(2);
    expect(err[0]).toMatch(/no such file or folder/);
  });
});
