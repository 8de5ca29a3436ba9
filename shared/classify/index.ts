export { classify } from './classify.js';
export { CATEGORY_EVENT_SOURCES, categorize } from './categories.js';
export type {
  Category,
  ClassifiedEvent,
  DataApiLogging,
  EventFacts,
  Principal,
  RdsResource,
  RdsResourceKind,
} from './types.js';
