// Text that reaches a terminal, made inert. Alerts, file names and error lines carry text from CloudTrail
// records and from the names of files on disk, both chosen by others: a `dBInstanceIdentifier` of
// `x\e[2J\e[H\e]0;owned\a\r... INFO all-clear` would clear the screen, retitle the window and forge a line.
// So every line the CLI prints passes through `terminalSafe`: control characters (C0, DEL, C1 such as the
// one-byte CSI U+009B), line and paragraph separators, bidi marks (the "Trojan Source" characters, CVE-2021-42574)
// and lone surrogates are written as visible `\uXXXX` escapes.
//
// The same function serves JSON lines: `\uXXXX` is also JSON's own escape, and JSON.stringify never leaves a
// C0 control or a lone surrogate raw, so the escaped line is valid JSON with the same value. It leaves raw
// what JSON.stringify leaves raw and a terminal acts on: DEL, C1, U+2028/2029 and bidi marks.

/** What a terminal may act on or reorder: C0, DEL, C1, line/paragraph separators, bidi embeddings, overrides, isolates and marks. */
const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** `line` with every unsafe character written as a visible `\uXXXX` escape (valid JSON stays valid, same value). */
export function terminalSafe(line: string): string {
  return line.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A line printer that escapes what it prints. */
export function safePrinter(print: (line: string) => void): (line: string) => void {
  return (line) => print(terminalSafe(line));
}
