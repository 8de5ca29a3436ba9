// Process entry point: wires main() to the real stdout/stderr and exit code.
import { main } from './trailwatch.js';

const code = await main(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  interactive: process.stderr.isTTY === true,
});
process.exitCode = code;
