// The bench files' vocabulary: accounts, regions, text that stresses JSON escaping, RDS names, tags.
import type { JsonValue } from '../../shared/cloudtrail.js';
import type { Random } from '../../scripts/cloudtrail-synth/random.js';

export const ACCOUNTS = ['123456789012', '210987654321', '444455556666'] as const;
export const REGIONS: readonly (readonly [number, string])[] = [
  [60, 'us-east-1'],
  [15, 'eu-west-1'],
  [10, 'us-west-2'],
  [8, 'eu-central-1'],
  [7, 'ap-northeast-1'],
];

export const TLS_CIPHERS = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'ECDHE-RSA-AES128-GCM-SHA256'] as const;

/** Text with multi-byte UTF-8 and characters that JSON escapes, for descriptions and tag values. */
export const FREE_TEXT = [
  'Nightly backup',
  'Nächtliche Sicherung für Bestellungen',
  'Sauvegarde quotidienne – base « clients »',
  '夜間バックアップ（本番）',
  'резервная копия',
  'Owner: data-platform 🚀',
  'Migrated from "legacy-db" by O\'Brien',
  'Path C:\\backups\\orders\\',
  'multi-line\nnote\twith tab',
  'ends with a backslash \\',
  'quote at the end "',
  'ç©®∆ ✓ 🙂 𝄞',
] as const;

export const SERVICE_PRINCIPALS = [
  'rds.amazonaws.com',
  'cloudformation.amazonaws.com',
  'lambda.amazonaws.com',
  'autoscaling.amazonaws.com',
  'elasticloadbalancing.amazonaws.com',
  'ssm.amazonaws.com',
  'backup.amazonaws.com',
] as const;

export const DB_ENGINES: readonly (readonly [string, string, string])[] = [
  ['postgres', '16.2', 'default.postgres16'],
  ['mysql', '8.0.36', 'default.mysql8.0'],
  ['aurora-postgresql', '15.5', 'default.aurora-postgresql15'],
  ['aurora-mysql', '8.0.mysql_aurora.3.05.2', 'default.aurora-mysql8.0'],
  ['oracle-ee', '19.0.0.0.ru-2024-01.rur-2024-01.r1', 'default.oracle-ee-19'],
  ['sqlserver-se', '15.00.4345.5.v1', 'default.sqlserver-se-15.0'],
];
export const DB_CLASSES = [
  'db.t3.micro',
  'db.t4g.medium',
  'db.m6g.large',
  'db.r6g.xlarge',
  'db.r6i.2xlarge',
  'db.m5.4xlarge',
] as const;
export const DB_WORDS = [
  'orders',
  'billing',
  'users',
  'analytics',
  'inventory',
  'payments',
  'search',
  'auth',
  'catalog',
  'ledger',
] as const;
export const ENVS = ['prod', 'staging', 'dev', 'qa'] as const;

/** `n` RDS/EC2-style tags, some with free text. */
export function tags(rng: Random, n: number): JsonValue[] {
  const out: JsonValue[] = [];
  for (let i = 0; i < n; i++) {
    const key = rng.pick([
      'Name',
      'Owner',
      'CostCenter',
      'Environment',
      'Description',
      'backup:policy',
      'aws:cloudformation:stack-name',
    ]);
    out.push({
      key,
      value: key === 'Description' || key === 'Owner' ? rng.pick(FREE_TEXT) : `${rng.pick(DB_WORDS)}-${rng.pick(ENVS)}`,
    });
  }
  return out;
}
