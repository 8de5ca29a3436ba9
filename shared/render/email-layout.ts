// The layout every email shares: lines of about 72 characters, sections with a title, `Label  value` fields
// wrapped under themselves, numbered steps with commands on their own lines. Plain text for any mail client.
import { oneLine, wrap } from './plain-text.js';

export const EMAIL_WIDTH = 72;
const LABEL_WIDTH = 14;
export const INDENT = '  ';
/** How many other resources of one alert, and trimmed parts of one record, the email names. */
export const LISTED = 10;

export function section(title: string, lines: string[]): string[] {
  return [title, ...lines, ''];
}

/** `  Label         value`, the value wrapped under itself. An empty label continues the field above. */
export function field(label: string, value: string): string[] {
  const first = `${INDENT}${label}`.padEnd(INDENT.length + LABEL_WIDTH);
  return wrap(
    value,
    EMAIL_WIDTH,
    ' '.repeat(INDENT.length + LABEL_WIDTH),
    first.length > INDENT.length + LABEL_WIDTH ? `${first} ` : first,
  );
}

/** A step: text, and an optional shell command shown on its own lines so it can be pasted. */
export interface Step {
  text: string;
  command?: string[];
}

export function plainStep(text: string): Step {
  return { text };
}

export function numberedSection(title: string, steps: Step[]): string[] {
  if (steps.length === 0) return [];
  const numberWidth = String(steps.length).length;
  const lines = steps.flatMap((step, i) => {
    const number = `${INDENT}${String(i + 1).padStart(numberWidth)}. `;
    const hanging = ' '.repeat(number.length);
    return [
      ...wrap(step.text, EMAIL_WIDTH, hanging, number),
      ...(step.command ?? []).map((line) => `${hanging}  ${oneLine(line)}`),
    ];
  });
  return section(title, lines);
}
