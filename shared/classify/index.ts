export { classify } from './classify.js';
export { CATEGORY_EVENT_SOURCES } from './categories.js';
