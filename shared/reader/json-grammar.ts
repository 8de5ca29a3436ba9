// The JSON grammar the record splitter checks while it finds where records end, in both engines (the
// TypeScript one in record-splitter.ts, the WebAssembly kernel in wasm/record-scanner.as.ts, which uses the
// same numbers). Why check it at all: a record nobody wants is skipped without JSON.parse, so without these
// checks a broken file could be read wrongly and silently (issue 11, item 3: brackets were counted, not
// matched, and `"x":[},{...StopLogging},{"y":]` hid a whole record inside a skipped one).
//
// How much is checked, and why it is enough that a skipped record can never swallow another: where a record
// ends depends only on its strings (found exactly: quotes and backslashes) and on the structural bytes
// between them. The splitter checks all of that as a parser would: each closing bracket closes the kind
// that is open (a bit per nesting level), commas and colons stand only where JSON allows them, keys are
// strings, values sit where values go, and every number and literal is spelled as JSON spells it. So any
// text the splitter accepts has exactly one parse tree, the one JSON.parse would build, and each record span
// is the element JSON.parse would see. What is not checked, because it cannot move a boundary: the inside of
// strings (escapes, control characters, UTF-8) in records that are skipped; a record that is handed out is
// still parsed by JSON.parse, which rejects those (RECORD_NOT_JSON).
//
// The state is one small number, `expect`, plus the depth and one bit per open level (array or object).

/** After `{`: a key or `}`. */
export const G_OBJECT_OPEN = 1;
/** After `,` in an object: a key. */
export const G_OBJECT_KEY = 2;
/** After a key: `:`. */
export const G_COLON = 3;
/** After `:`: a value. */
export const G_OBJECT_VALUE = 4;
/** After `[`: a value or `]`. */
export const G_ARRAY_OPEN = 5;
/** After `,` in an array, or where a `Records` element starts: a value. */
export const G_ARRAY_VALUE = 6;
/** After a value: `,` or the closing bracket of the open level. */
export const G_AFTER_VALUE = 7;

// Inside a number or literal: a DFA. Numbers: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
const N_MINUS = 16;
const N_ZERO = 17; // accepting
const N_INT = 18; // accepting
const N_DOT = 19;
const N_FRACTION = 20; // accepting
const N_E = 21;
const N_E_SIGN = 22;
const N_EXPONENT = 23; // accepting
/** Literals: state L_BASE + k expects LITERALS[k] next; k = 4, 9 and 13 are the ends of true, false, null. */
const L_BASE = 32;
const LITERALS = 'truefalsenull';
/** The first scalar state: `expect` at or above it means inside a number or literal. */
export const G_SCALAR = N_MINUS;

/**
 * Deepest nesting a record (or any value) may have: one bit per level, 32 KiB in the kernel's memory. A
 * record must hold 256 KiB of opening brackets to nest this deep, far past what CloudTrail writes (it
 * truncates the fields that grow with a request: see DEFAULT_MAX_RECORD_BYTES in record-splitter.ts); past
 * it, the file is rejected (NOT_JSON, at the bracket) rather than its structure guessed.
 */
export const MAX_DEPTH = 1 << 18;

/** Whether `expect` is a place a value can start. */
export function expectsValue(expect: number): boolean {
  return expect === G_OBJECT_VALUE || expect === G_ARRAY_OPEN || expect === G_ARRAY_VALUE;
}

/** The scalar state after a value's first byte `byte`, or 0 when no number or literal starts with it. */
export function scalarStart(byte: number): number {
  if (byte === 0x2d) return N_MINUS; // -
  if (byte === 0x30) return N_ZERO;
  if (byte >= 0x31 && byte <= 0x39) return N_INT;
  if (byte === 0x74) return L_BASE + 1; // t
  if (byte === 0x66) return L_BASE + 5; // f
  if (byte === 0x6e) return L_BASE + 10; // n
  return 0;
}

/** The scalar state after `byte`, or 0 when `byte` cannot continue the number or literal. */
export function scalarStep(state: number, byte: number): number {
  const digit = byte >= 0x30 && byte <= 0x39;
  switch (state) {
    case N_MINUS:
      return byte === 0x30 ? N_ZERO : digit ? N_INT : 0;
    case N_ZERO:
      return byte === 0x2e ? N_DOT : byte === 0x65 || byte === 0x45 ? N_E : 0;
    case N_INT:
      return digit ? N_INT : byte === 0x2e ? N_DOT : byte === 0x65 || byte === 0x45 ? N_E : 0;
    case N_DOT:
      return digit ? N_FRACTION : 0;
    case N_FRACTION:
      return digit ? N_FRACTION : byte === 0x65 || byte === 0x45 ? N_E : 0;
    case N_E:
      return byte === 0x2b || byte === 0x2d ? N_E_SIGN : digit ? N_EXPONENT : 0;
    case N_E_SIGN:
    case N_EXPONENT:
      return digit ? N_EXPONENT : 0;
    default: {
      const k = state - L_BASE;
      if (k === 4 || k === 9 || k === 13) return 0;
      return byte === LITERALS.charCodeAt(k) ? state + 1 : 0;
    }
  }
}

/** Whether a number or literal may end in `state`. */
export function scalarComplete(state: number): boolean {
  return (
    state === N_ZERO ||
    state === N_INT ||
    state === N_FRACTION ||
    state === N_EXPONENT ||
    state === L_BASE + 4 ||
    state === L_BASE + 9 ||
    state === L_BASE + 13
  );
}

/** What the grammar expected in `expect`, for an error message; `inArray`: the open level is an array. */
export function expectedText(expect: number, inArray: boolean): string {
  switch (expect) {
    case G_OBJECT_OPEN:
      return "a key or '}'";
    case G_OBJECT_KEY:
      return 'a key (a string)';
    case G_COLON:
      return "':' after a key";
    case G_OBJECT_VALUE:
    case G_ARRAY_VALUE:
      return 'a value';
    case G_ARRAY_OPEN:
      return "a value or ']'";
    case G_AFTER_VALUE:
      return inArray ? "',' or ']' after an array element" : "',' or '}' after a value";
    default:
      return 'the rest of a number or literal';
  }
}

/** A byte as an error message shows it: printable ASCII as itself, the rest as hex. */
export function showByte(byte: number): string {
  return byte > 0x20 && byte < 0x7f ? `'${String.fromCharCode(byte)}'` : `byte 0x${byte.toString(16).padStart(2, '0')}`;
}
