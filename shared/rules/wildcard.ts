// EventBridge `wildcard` patterns (and the ARN patterns of rule exceptions), matched in linear time.
//
// `*` matches any run of characters (none included); `\*` is a literal star; nothing else is special:
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html#eb-filtering-wildcard-matching
// The values matched are chosen by whoever made the call (user agents, session names), so matching must not
// backtrack: a regular expression `^.*a.*a.*a.*b$` takes exponential time on 2,000 `a`s, and a Lambda
// timeout there would lose every alert of the file. A glob of stars only needs no backtracking at all: the
// text between two stars can always be taken at its leftmost place after the previous one (taking it later
// only leaves less room for the rest), so one left-to-right pass of `indexOf` decides the match.
// Worst case O(value length x pattern length), from indexOf; typically linear.

/** `glob` compiled: does a whole string match it? */
export type WildcardMatcher = (value: string) => boolean;

/** The literal texts between the stars of `glob`: one more than there are (unescaped) stars. */
export function wildcardParts(glob: string): string[] {
  const parts: string[] = [];
  let literal = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '\\' && glob[i + 1] === '*') {
      literal += '*';
      i++;
    } else if (c === '*') {
      parts.push(literal);
      literal = '';
    } else {
      literal += c;
    }
  }
  parts.push(literal);
  return parts;
}

export function compileWildcard(glob: string): WildcardMatcher {
  const parts = wildcardParts(glob);
  const first = parts[0] ?? '';
  if (parts.length === 1) return (value) => value === first;
  const last = parts[parts.length - 1] ?? '';
  const middle = parts.slice(1, -1).filter((part) => part !== '');
  return (value) => {
    const end = value.length - last.length;
    if (end < first.length || !value.startsWith(first) || !value.endsWith(last)) return false;
    let at = first.length;
    for (const part of middle) {
      const found = value.indexOf(part, at);
      if (found < 0 || found + part.length > end) return false;
      at = found + part.length;
    }
    return true;
  };
}
