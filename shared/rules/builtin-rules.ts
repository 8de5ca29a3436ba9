// Placeholder so the engine compiles; the built-in rules land here as data.
import type { RuleDefinition } from './types.js';

export const BUILTIN_RULES: readonly RuleDefinition[] = [];
