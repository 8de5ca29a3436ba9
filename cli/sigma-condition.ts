// A Sigma rule's `condition` (Sigma specification, "Detection": `and`, `or`, `not`, parentheses, `1 of x*`,
// `all of them`) parsed into a tree, and that tree brought to `P and not N` with P and N free of `not`.
import { Refusal } from './sigma-refusal.js';

export type Node =
  | { kind: 'search'; name: string }
  | { kind: 'and' | 'or'; children: Node[] }
  | { kind: 'not'; child: Node };

export function parseCondition(condition: unknown, names: string[]): Node {
  if (Array.isArray(condition)) {
    if (condition.length === 0) throw new Refusal('empty condition list');
    const children = condition.map((c) => parseCondition(c, names));
    return children.length === 1 ? (children[0] as Node) : { kind: 'or', children };
  }
  if (typeof condition !== 'string' || condition.trim() === '') throw new Refusal('no condition');
  if (condition.includes('|'))
    throw new Refusal(
      `aggregation in the condition ("${condition}") is not supported: a rule sees one event at a time`,
    );
  const tokens = condition.match(/\(|\)|[^\s()]+/g) ?? [];
  let at = 0;
  const peek = () => tokens[at];
  const next = () => tokens[at++];
  const expression = (): Node => {
    const children = [term()];
    while (peek()?.toLowerCase() === 'or') {
      next();
      children.push(term());
    }
    return children.length === 1 ? (children[0] as Node) : { kind: 'or', children };
  };
  const term = (): Node => {
    const children = [factor()];
    while (peek()?.toLowerCase() === 'and') {
      next();
      children.push(factor());
    }
    return children.length === 1 ? (children[0] as Node) : { kind: 'and', children };
  };
  const factor = (): Node => {
    const token = next();
    if (token === undefined) throw new Refusal(`condition "${condition}" ends early`);
    const word = token.toLowerCase();
    if (word === 'not') return { kind: 'not', child: factor() };
    if (token === '(') {
      const inner = expression();
      if (next() !== ')') throw new Refusal(`condition "${condition}": missing ")"`);
      return inner;
    }
    if (word === '1' || word === 'all' || word === 'any') {
      if (next()?.toLowerCase() !== 'of') throw new Refusal(`condition "${condition}": expected "of" after "${token}"`);
      const target = next();
      if (target === undefined) throw new Refusal(`condition "${condition}": "${token} of" names nothing`);
      const matched = quantified(target, names);
      if (matched.length === 0) throw new Refusal(`condition "${condition}": "${target}" matches no search identifier`);
      const children: Node[] = matched.map((name) => ({ kind: 'search', name }));
      return children.length === 1 ? (children[0] as Node) : { kind: word === 'all' ? 'and' : 'or', children };
    }
    if (['and', 'or', ')', 'near'].includes(word)) throw new Refusal(`condition "${condition}": unexpected "${token}"`);
    if (!names.includes(token)) throw new Refusal(`condition "${condition}": no search identifier "${token}"`);
    return { kind: 'search', name: token };
  };
  const tree = expression();
  if (at !== tokens.length) throw new Refusal(`condition "${condition}": unexpected "${tokens[at]}"`);
  return tree;
}

function quantified(target: string, names: string[]): string[] {
  if (target === 'them') return names.filter((name) => !name.startsWith('_'));
  if (!target.includes('*')) return names.filter((name) => name === target);
  const re = new RegExp(
    `^${target
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return names.filter((name) => re.test(name));
}

/** `P and not N` with P and N free of `not`; anything else is refused. */
export function splitNegation(tree: Node): { positive: Node; negative?: Node } {
  if (!hasNot(tree)) return { positive: tree };
  if (tree.kind === 'and') {
    const positives = tree.children.filter((child) => child.kind !== 'not');
    const negatives = tree.children.flatMap((child) => (child.kind === 'not' ? [child.child] : []));
    if (positives.length > 0 && [...positives, ...negatives].every((node) => !hasNot(node))) {
      const positive = positives.length === 1 ? (positives[0] as Node) : { kind: 'and' as const, children: positives };
      const negative = negatives.length === 1 ? (negatives[0] as Node) : { kind: 'or' as const, children: negatives };
      return { positive, negative };
    }
  }
  throw new Refusal(
    '"not" is only supported as "<selection> and not <filter>" at the top of the condition (it becomes the rule\'s exceptions); this condition negates elsewhere',
  );
}

function hasNot(node: Node): boolean {
  if (node.kind === 'not') return true;
  return node.kind === 'search' ? false : node.children.some(hasNot);
}
