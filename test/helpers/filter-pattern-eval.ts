// A small evaluator of CloudWatch Logs filter patterns, for tests: the subset `trailwatch search` writes, read
// from the User Guide's syntax ("Filter pattern syntax for metric filters, subscription filters, filter log events,
// and Live Tail"), written independently of shared/index/filter-pattern.ts so that tests can check what a built
// pattern *means* over real index events, not only how it reads.
//   JSON:  { cond }, cond := cond || cond | cond && cond | ( cond ) | $.sel = "v" | $.sel != "v" | $.sel IS TRUE|FALSE|NULL
//          | $.sel NOT EXISTS; `*` in a string value matches any text; `[*]` selects any array element;
//          precedence () > && > ||. A selector that points to an object or array matches nothing.
//   Text:  space-separated terms, each bare or "quoted", all of which must appear (case-sensitive).
// Anything else throws, so a test finds out when the builder writes something this reading does not cover.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function matchesFilterPattern(pattern: string | undefined, message: string): boolean {
  const text = (pattern ?? '').trim();
  if (text === '') return true;
  if (text.startsWith('{')) {
    if (!text.endsWith('}')) throw new Error(`unbalanced JSON pattern: ${text}`);
    let doc: Json;
    try {
      doc = JSON.parse(message) as Json;
    } catch {
      return false;
    }
    const parser = new Parser(text.slice(1, -1));
    const node = parser.parseOr();
    parser.expectEnd();
    return evaluate(node, doc);
  }
  return textTerms(text).every((term) => message.includes(term));
}

/** The wildcard selectors in a JSON pattern (`[*]` and `.*` outside string values). */
export function wildcardSelectors(pattern: string): number {
  return (pattern.replace(/"[^"]*"/g, '""').match(/\[\*\]|\.\*/g) ?? []).length;
}

function textTerms(text: string): string[] {
  const terms: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const term = m[1] ?? m[2] ?? '';
    if (m[2] !== undefined && /^[?-]/.test(term)) throw new Error(`optional/excluded terms are not covered: ${term}`);
    terms.push(term);
  }
  return terms;
}

type Node =
  | { kind: 'or' | 'and'; left: Node; right: Node }
  | { kind: 'cmp'; selector: Array<string | '*'>; op: '=' | '!='; value: string }
  | { kind: 'is'; selector: Array<string | '*'>; value: true | false | null }
  | { kind: 'not-exists'; selector: Array<string | '*'> };

class Parser {
  private at = 0;
  constructor(private readonly src: string) {}

  parseOr(): Node {
    let left = this.parseAnd();
    while (this.eat('||')) left = { kind: 'or', left, right: this.parseAnd() };
    return left;
  }

  private parseAnd(): Node {
    let left = this.parsePrimary();
    while (this.eat('&&')) left = { kind: 'and', left, right: this.parsePrimary() };
    return left;
  }

  private parsePrimary(): Node {
    if (this.eat('(')) {
      const inner = this.parseOr();
      if (!this.eat(')')) throw this.error('expected )');
      return inner;
    }
    const selector = this.parseSelector();
    if (this.eat('IS')) {
      if (this.eat('TRUE')) return { kind: 'is', selector, value: true };
      if (this.eat('FALSE')) return { kind: 'is', selector, value: false };
      if (this.eat('NULL')) return { kind: 'is', selector, value: null };
      throw this.error('expected TRUE, FALSE or NULL');
    }
    if (this.eat('NOT EXISTS')) return { kind: 'not-exists', selector };
    const op = this.eat('!=') ? '!=' : this.eat('=') ? '=' : undefined;
    if (!op) throw this.error('expected = or !=');
    this.skipSpace();
    if (this.src[this.at] !== '"') throw this.error('only quoted string values are covered');
    const end = this.src.indexOf('"', this.at + 1);
    if (end < 0) throw this.error('unterminated string');
    const value = this.src.slice(this.at + 1, end);
    this.at = end + 1;
    return { kind: 'cmp', selector, op, value };
  }

  private parseSelector(): Array<string | '*'> {
    this.skipSpace();
    if (!this.src.startsWith('$.', this.at)) throw this.error('expected a $. selector');
    this.at += 2;
    const path: Array<string | '*'> = [];
    const name = /^[A-Za-z0-9_-]+/;
    for (;;) {
      const m = name.exec(this.src.slice(this.at));
      if (!m) throw this.error('expected a property name');
      path.push(m[0]);
      this.at += m[0].length;
      while (this.src[this.at] === '[') {
        const close = this.src.indexOf(']', this.at);
        const inner = this.src.slice(this.at + 1, close);
        path.push(inner === '*' ? '*' : String(Number(inner)));
        this.at = close + 1;
      }
      if (this.src[this.at] !== '.') break;
      this.at++;
    }
    return path;
  }

  private eat(token: string): boolean {
    this.skipSpace();
    if (this.src.startsWith(token, this.at)) {
      this.at += token.length;
      return true;
    }
    return false;
  }

  private skipSpace(): void {
    while (this.src[this.at] === ' ') this.at++;
  }

  expectEnd(): void {
    this.skipSpace();
    if (this.at !== this.src.length) throw this.error('unexpected text');
  }

  private error(what: string): Error {
    return new Error(`${what} at ${this.at} in { ${this.src} }`);
  }
}

function evaluate(node: Node, doc: Json): boolean {
  switch (node.kind) {
    case 'or':
      return evaluate(node.left, doc) || evaluate(node.right, doc);
    case 'and':
      return evaluate(node.left, doc) && evaluate(node.right, doc);
    case 'cmp': {
      const values = select(doc, node.selector).filter((v) => v !== null && typeof v !== 'object');
      const hit = values.some((v) => glob(node.value).test(String(v)));
      return node.op === '=' ? hit : values.length > 0 && !hit;
    }
    case 'is':
      return select(doc, node.selector).some((v) => v === node.value);
    case 'not-exists':
      return select(doc, node.selector).length === 0;
  }
}

function select(doc: Json, path: ReadonlyArray<string | '*'>): Json[] {
  let current: Json[] = [doc];
  for (const step of path) {
    const next: Json[] = [];
    for (const value of current) {
      if (value === null || typeof value !== 'object') continue;
      if (step === '*') next.push(...(Array.isArray(value) ? value : Object.values(value)));
      else if (Array.isArray(value)) {
        const item = value[Number(step)];
        if (item !== undefined) next.push(item);
      } else if (Object.hasOwn(value, step)) next.push(value[step] as Json);
    }
    current = next;
  }
  return current;
}

function glob(value: string): RegExp {
  return new RegExp(
    `^${value
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}
