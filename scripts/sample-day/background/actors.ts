// Who makes the background noise.
import type { Random } from '../../cloudtrail-synth/random.js';
import { roleSession } from '../actors.js';
import type { Actor, Call } from '../call.js';
import { fromSeconds, HOME, toSeconds } from '../day.js';
import * as ua from '../../cloudtrail-synth/user-agents.js';

export type NoiseMaker = (rng: Random, at: string, region: string) => Call[];

export const VPCE = 'vpce-0a1b2c3d4e5f60718';
export const APP_ROLE_ID = 'AROA6APPTASKROLEXMPL';
export const MONITOR_ROLE_ID = 'AROA6MONITORRDONLYXM';
const ORDERS_API_ROLE_ID = 'AROA6ORDERSAPIFNEXMP';
const SSM_ROLE_ID = 'AROA6EC2SSMCOREROLEX';
export const BACKUP_ROLE_ID = 'AROA6BACKUPJOBROLEXM';

export function appTask(rng: Random): Actor {
  const task = rng.pick([
    '3f9c2b7d1e8a4c6f9b0d2e4a6c8e0f12',
    '8a1d5e7c9b3f4a2e6d0c8b7a5f3e1d94',
    'c47e2a9f0b6d4e8a1c3f5b7d9e0a2c46',
  ]);
  return {
    identity: roleSession(
      'app-ecs-task-role',
      APP_ROLE_ID,
      task,
      `ASIA6APPTASK${task.slice(0, 8).toUpperCase()}`,
      '08:00:12',
    ),
    ip: `10.0.${rng.range(10, 13)}.${rng.range(20, 240)}`,
    userAgent: ua.JAVA_SDK_S3_ON_ECS,
    tls: 'TLSv1.3',
  };
}
/** The start of the session in use at `at` for credentials renewed every `period` seconds. */
function sessionStart(at: string, period: number, offset: number): string {
  const t = toSeconds(at);
  let start = Math.floor(t / period) * period + offset;
  if (start > t) start -= period;
  return fromSeconds(start);
}
/** The vendor's scanner re-assumes monitoring-readonly every hour (1-hour sessions). */
export function monitor(region: string, api: string, at: string): Actor {
  const since = sessionStart(at, 3600, 4);
  return {
    identity: roleSession(
      'monitoring-readonly',
      MONITOR_ROLE_ID,
      'monitor-7f3e2a',
      `ASIA6MONITOR${since.slice(0, 2)}${since.slice(3, 5)}EXMP`,
      since,
    ),
    ip: '192.0.2.200',
    userAgent: ua.goSdk(api),
    tls: region === HOME ? 'TLSv1.3' : 'TLSv1.2',
  };
}
export function ordersApi(): Actor {
  return {
    identity: roleSession(
      'orders-api-fn-role',
      ORDERS_API_ROLE_ID,
      'orders-api-fn',
      'ASIA6ORDERSAPIFN0001',
      '08:12:40',
    ),
    ip: '198.51.100.62',
    userAgent: ua.BOTO3_IN_LAMBDA,
    tls: 'TLSv1.3',
  };
}
export function ssmHost(rng: Random, region: string, at: string): { actor: Actor; instance: string; ip: string } {
  const instance =
    region === HOME
      ? rng.pick(['i-0a12b34c56d78e901', 'i-0f98e76d54c32b10a', 'i-03c5e7a9b1d2f4680'])
      : 'i-07e1d2c3b4a596870';
  const ip =
    region === HOME
      ? instance.endsWith('901')
        ? '10.0.11.23'
        : instance.endsWith('10a')
          ? '10.0.12.87'
          : '10.0.13.141'
      : '10.1.4.52';
  return {
    instance,
    ip,
    actor: {
      identity: roleSession(
        'AmazonSSMRoleForInstancesQuickSetup',
        SSM_ROLE_ID,
        instance,
        `ASIA6SSM${instance.slice(-12).toUpperCase()}`,
        sessionStart(at, 21600, 31),
        { ec2: true },
      ),
      ip,
      userAgent: ua.SSM_AGENT,
      tls: 'TLSv1.2',
    },
  };
}
