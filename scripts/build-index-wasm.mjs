// Compiles the index encoder's WebAssembly byte loop (shared/index/wasm/record-escape.as.ts, AssemblyScript) into
// shared/index/wasm/record-escape.wasm.ts (scripts/wasm-embed.mjs says how and what --check does).
// test/index-escape-wasm.test.ts runs the check, so the committed binary always matches its source.
import { embedWasm } from './wasm-embed.mjs';

await embedWasm({
  source: new URL('../shared/index/wasm/record-escape.as.ts', import.meta.url),
  generated: new URL('../shared/index/wasm/record-escape.wasm.ts', import.meta.url),
  // Memory (SIMD, no runtime: scripts/wasm-embed.mjs): one page of memory to start, which
  // the loader grows to fit the largest record (the names table and spans in its first 1 KiB, the compiler's own
  // static data, of which there is none, after them).
  layout: ['--initialMemory', '1', '--memoryBase', '1024'],
  exportName: 'RECORD_ESCAPE_WASM_BASE64',
  script: 'scripts/build-index-wasm.mjs',
  npmScript: 'build:index-wasm',
});
