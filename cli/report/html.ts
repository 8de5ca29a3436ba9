// HTML built with escaping by default: every value put into the `html` template is escaped unless it is itself
// built by `html` (or marked with `trusted` for text this code wrote). Record fields are attacker-controlled
// (a user name, a DB identifier, a user agent can hold any string), so no record text reaches the page unescaped.

export class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

type Value = SafeHtml | string | number | boolean | null | undefined | readonly Value[];

function render(value: Value): string {
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map((item: Value) => render(item)).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new SafeHtml(out);
}

/** Markup this code wrote itself (CSS, SVG paths built from numbers): never record text. */
export function trusted(text: string): SafeHtml {
  return new SafeHtml(text);
}
