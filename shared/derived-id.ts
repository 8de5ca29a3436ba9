// A UUID-shaped id derived from text (SHA-256), for trailwatch's own events (integrity findings, oversized
// records): the same finding always gets the same eventID, so a retried delivery raises the same alert and the
// dedupe store (issue 13) sends it once.
import { createHash } from 'node:crypto';

export function uuidFrom(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
