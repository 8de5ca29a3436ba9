// ../json-grammar.ts and ../json-bytes.ts for the kernel: the same numbers and the same functions, restated
// because AssemblyScript cannot import TypeScript; json-grammar.ts says what is checked and why.
// test/record-scanner-layout.test.ts holds the byte values and the exported grammar states against the TypeScript.

export const QUOTE: i32 = 0x22;
export const BACKSLASH: i32 = 0x5c;
export const COMMA: i32 = 0x2c;
export const COLON: i32 = 0x3a;
export const OPEN_BRACE: i32 = 0x7b;
export const CLOSE_BRACE: i32 = 0x7d;
export const OPEN_BRACKET: i32 = 0x5b;
export const CLOSE_BRACKET: i32 = 0x5d;

// The JSON grammar, the same numbers as in json-grammar.ts, which says what is checked and why.
export const G_OBJECT_OPEN: i32 = 1;
export const G_OBJECT_KEY: i32 = 2;
export const G_COLON: i32 = 3;
export const G_OBJECT_VALUE: i32 = 4;
export const G_ARRAY_OPEN: i32 = 5;
export const G_ARRAY_VALUE: i32 = 6;
export const G_AFTER_VALUE: i32 = 7;
export const N_MINUS: i32 = 16;
export const N_ZERO: i32 = 17;
export const N_INT: i32 = 18;
export const N_DOT: i32 = 19;
export const N_FRACTION: i32 = 20;
export const N_E: i32 = 21;
export const N_E_SIGN: i32 = 22;
export const N_EXPONENT: i32 = 23;
export const L_BASE: i32 = 32;
export const G_SCALAR: i32 = N_MINUS;

@inline export function isWhitespace(byte: i32): bool {
  return byte == 0x20 || byte == 0x0a || byte == 0x0d || byte == 0x09;
}

@inline export function expectsValue(expect: i32): bool {
  return expect == G_OBJECT_VALUE || expect == G_ARRAY_OPEN || expect == G_ARRAY_VALUE;
}


export function scalarStart(byte: i32): i32 {
  if (byte == 0x2d) return N_MINUS;
  if (byte == 0x30) return N_ZERO;
  if (byte >= 0x31 && byte <= 0x39) return N_INT;
  if (byte == 0x74) return L_BASE + 1;
  if (byte == 0x66) return L_BASE + 5;
  if (byte == 0x6e) return L_BASE + 10;
  return 0;
}

/** The k-th byte of `truefalsenull`. */
export function literalByte(k: i32): i32 {
  switch (k) {
    case 0: return 0x74; // t
    case 1: return 0x72; // r
    case 2: return 0x75; // u
    case 3: return 0x65; // e
    case 5: return 0x61; // a
    case 6: return 0x6c; // l
    case 7: return 0x73; // s
    case 8: return 0x65; // e
    case 10: return 0x75; // u
    case 11: return 0x6c; // l
    case 12: return 0x6c; // l
    default: return -1; // 4, 9, 13: a literal's end
  }
}

/** json-grammar.ts's scalarStep: the state after `byte`, 0 when it cannot continue the number or literal. */
export function scalarStep(state: i32, byte: i32): i32 {
  const digit = byte >= 0x30 && byte <= 0x39;
  switch (state) {
    case N_MINUS: return byte == 0x30 ? N_ZERO : digit ? N_INT : 0;
    case N_ZERO: return byte == 0x2e ? N_DOT : byte == 0x65 || byte == 0x45 ? N_E : 0;
    case N_INT: return digit ? N_INT : byte == 0x2e ? N_DOT : byte == 0x65 || byte == 0x45 ? N_E : 0;
    case N_DOT: return digit ? N_FRACTION : 0;
    case N_FRACTION: return digit ? N_FRACTION : byte == 0x65 || byte == 0x45 ? N_E : 0;
    case N_E: return byte == 0x2b || byte == 0x2d ? N_E_SIGN : digit ? N_EXPONENT : 0;
    case N_E_SIGN:
    case N_EXPONENT: return digit ? N_EXPONENT : 0;
    default: return byte == literalByte(state - L_BASE) ? state + 1 : 0;
  }
}

@inline export function scalarComplete(state: i32): bool {
  return state == N_ZERO || state == N_INT || state == N_FRACTION || state == N_EXPONENT || state == L_BASE + 4 || state == L_BASE + 9 || state == L_BASE + 13;
}

