// Compiles the record splitter's WebAssembly kernel (shared/reader/wasm/record-scanner.as.ts, AssemblyScript) into
// shared/reader/wasm/record-scanner.wasm.ts (scripts/wasm-embed.mjs says how and what --check does).
// test/record-scanner-wasm.test.ts runs the check, so the committed binary always matches its source.
import { embedWasm } from './wasm-embed.mjs';

await embedWasm({
  source: new URL('../shared/reader/wasm/record-scanner.as.ts', import.meta.url),
  generated: new URL('../shared/reader/wasm/record-scanner.wasm.ts', import.meta.url),
  // Memory (SIMD, no runtime: scripts/wasm-embed.mjs): a fixed memory of 19 pages holding
  // the 1 MiB window, the state vector and the record table, with the compiler's own static data (the token-length
  // table of record-lookups.as.ts, 128 bytes) placed after them.
  layout: ['--initialMemory', '19', '--maximumMemory', '19', '--memoryBase', '1179648'],
  exportName: 'RECORD_SCANNER_WASM_BASE64',
  script: 'scripts/build-wasm.mjs',
  npmScript: 'build:wasm',
});
