// Which objects of a delivery are digest files, for the integrity check (integrity.ts), without loading it: every
// delivery asks, and only an hourly digest needs the check's code (imported then: process-delivery.ts).
import { trailObjectKind } from '../../shared/integrity/keys.js';
import type { ObjectRef } from '../lib/delivery.js';

/** A delivery's digest files (checked by integrity.ts), and the rest (log files, skipped objects). */
export function splitDigests(objects: readonly ObjectRef[]): { digests: ObjectRef[]; others: ObjectRef[] } {
  const digests: ObjectRef[] = [];
  const others: ObjectRef[] = [];
  for (const ref of objects) (ref.created && trailObjectKind(ref.key) === 'digest' ? digests : others).push(ref);
  return { digests, others };
}
