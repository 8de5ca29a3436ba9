// Defaults that help text needs, in a module that loads nothing else (the command table imports it at start-up).
import type { Severity } from '../shared/rules/types.js';

export const DEFAULT_MIN_SEVERITY: Severity = 'low';
