// Process entry point: wires main() to the real stdin/stdout/stderr and exit status, and ends the way shell
// tools do when the output goes away: EPIPE (the reader closed the pipe, as `| head` does) ends quietly with
// status 0, like cat; any other write error (ENOSPC on a full disk, EIO) is one line and status 1.
import { main } from './trailwatch.js';

let ended = false;
function onOutputError(error: NodeJS.ErrnoException): void {
  if (ended) return;
  ended = true;
  if (error.code === 'EPIPE') process.exit(0);
  const what = {
    ENOSPC: 'no space left on the device',
    EIO: 'input/output error',
    EDQUOT: 'disk quota exceeded',
    EFBIG: 'file too large',
  }[error.code ?? ''];
  try {
    process.stderr.write(`trailwatch: cannot write the output: ${what ?? error.message} (${error.code ?? 'error'})\n`);
  } finally {
    process.exit(1);
  }
}
process.stdout.on('error', onOutputError);
// stderr closed too (`2>&-`, or a closed terminal): nothing to say it on; end as quietly.
process.stderr.on('error', (error: NodeJS.ErrnoException) => process.exit(error.code === 'EPIPE' ? 0 : 1));

const code = await main(process.argv.slice(2), {
  out: (line) => {
    if (ended) return;
    process.stdout.write(`${line}\n`);
    // A file or pipe is written synchronously on Linux, and a failed write marks the stream errored at once
    // while its 'error' event waits for the next tick: stop here, before the summary goes to stderr.
    const failed = process.stdout.errored as NodeJS.ErrnoException | null;
    if (failed) onOutputError(failed);
  },
  err: (line) => process.stderr.write(`${line}\n`),
  errRaw: (text) => process.stderr.write(text),
  interactive: process.stderr.isTTY === true,
  stdoutIsTTY: process.stdout.isTTY === true,
  ...(process.stdout.columns ? { columns: process.stdout.columns } : {}),
  env: process.env,
  // No `stdin`: commands fall back to process.stdin when they read it (`scan -`); touching it here would open it
  // (a stream over the terminal, pipe or file) on every run.
});
process.exitCode = code;
