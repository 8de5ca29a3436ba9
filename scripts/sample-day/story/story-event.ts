// One step of the sample day's story: the call, who makes it and why, and what trailwatch should say about it.
import type { Call } from '../call.js';

export interface StoryEvent {
  call: Call;
  who: string;
  what: string;
  /** Rule ids that should fire on this record. */
  alerts: string[];
  /** For records that must stay quiet: why nothing should fire. */
  quiet?: string;
}
