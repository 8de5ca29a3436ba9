// The log files of the day: which deliveries the sample keeps, their windows, their keys.
import { charsFor } from '../cloudtrail-synth/labelled.js';
import { deliveryStamp, logFileKey } from '../cloudtrail-synth/log-file.js';
import type { Call } from './call.js';
import { SAMPLE_ACCOUNT, HOME, SAMPLE_DATE, toSeconds, WEST } from './day.js';

export interface Delivery {
  id: string;
  region: string;
  /** HHMM of the delivery (the timestamp in the file name). */
  deliver: string;
  from: string;
  to: string;
  noise: number;
}

export const DELIVERIES: readonly Delivery[] = [
  { id: 'd01', region: HOME, deliver: '0905', from: '08:50:30', to: '09:03:30', noise: 20 },
  { id: 'd02', region: HOME, deliver: '0920', from: '09:07:00', to: '09:18:40', noise: 24 },
  { id: 'd03', region: HOME, deliver: '1005', from: '09:53:30', to: '10:03:30', noise: 22 },
  { id: 'd04', region: HOME, deliver: '1030', from: '10:18:00', to: '10:28:30', noise: 24 },
  { id: 'd05', region: HOME, deliver: '1110', from: '10:57:00', to: '11:08:00', noise: 22 },
  { id: 'd06', region: HOME, deliver: '1140', from: '11:25:30', to: '11:37:30', noise: 26 },
  { id: 'd07', region: HOME, deliver: '1215', from: '12:01:00', to: '12:12:40', noise: 24 },
  { id: 'd08', region: WEST, deliver: '1250', from: '12:37:30', to: '12:48:30', noise: 22 },
  { id: 'd09', region: HOME, deliver: '1335', from: '13:19:30', to: '13:32:30', noise: 28 },
  { id: 'd10', region: HOME, deliver: '1420', from: '14:04:00', to: '14:17:20', noise: 26 },
  { id: 'd11', region: HOME, deliver: '1513', from: '14:56:00', to: '15:10:30', noise: 30 },
  { id: 'd12', region: HOME, deliver: '1648', from: '16:34:00', to: '16:45:37', noise: 24 },
  { id: 'd13', region: HOME, deliver: '1726', from: '17:12:09', to: '17:23:40', noise: 22 },
  { id: 'd14', region: HOME, deliver: '1812', from: '18:01:00', to: '18:09:27', noise: 16 },
];

export function logKey(delivery: Delivery): string {
  const stamp = deliveryStamp(SAMPLE_DATE, delivery.deliver);
  const unique = charsFor(`file:${delivery.region}:${stamp}`, 16);
  return logFileKey({
    account: SAMPLE_ACCOUNT,
    region: delivery.region,
    date: SAMPLE_DATE,
    time: delivery.deliver,
    unique,
  });
}

export function deliveryFor(call: Call): Delivery {
  if (call.deliverIn !== undefined) {
    const d = DELIVERIES.find((x) => x.id === call.deliverIn);
    if (!d) throw new Error(`no delivery ${call.deliverIn}`);
    return d;
  }
  const region = call.region ?? HOME;
  const t = toSeconds(call.at);
  const found = DELIVERIES.filter((d) => d.region === region && toSeconds(d.from) <= t && t <= toSeconds(d.to));
  const first = found[0];
  if (found.length !== 1 || first === undefined)
    throw new Error(`${call.name} at ${call.at} in ${region} falls in ${found.length} delivery windows`);
  return first;
}
