// `npm start -- --out DIR`: the alert emails and indexed events of a local run as files.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LocalRunResult } from './run-result.js';
import { protocolText } from '../../local-aws/sns-fake.js';
import { alertEmails, ruleOf } from './run-summary.js';

export interface WrittenFiles {
  dir: string;
  alerts: string[];
  index: string[];
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_');
}

/** alerts/NNN-<rule>.txt (subject and email text) and .json (the `default` JSON); index/<stream>.jsonl (one message a line). */
export async function writeOutDir(result: LocalRunResult, dir: string): Promise<WrittenFiles> {
  const written: WrittenFiles = { dir, alerts: [], index: [] };
  const alertsDir = path.join(dir, 'alerts');
  const indexDir = path.join(dir, 'index');
  await mkdir(alertsDir, { recursive: true });
  await mkdir(indexDir, { recursive: true });
  for (const [i, message] of alertEmails(result).entries()) {
    const base = path.join(alertsDir, `${String(i + 1).padStart(3, '0')}-${safeName(ruleOf(message))}`);
    await writeFile(
      `${base}.txt`,
      `Subject: ${message.subject ?? ''}\n\n${protocolText(message, 'email').trimEnd()}\n`,
    );
    const defaultText = protocolText(message, 'default');
    let json: string;
    try {
      json = JSON.stringify(JSON.parse(defaultText), null, 2);
    } catch {
      json = defaultText;
    }
    await writeFile(`${base}.json`, `${json}\n`);
    written.alerts.push(`${base}.txt`, `${base}.json`);
  }
  const byStream = new Map<string, string[]>();
  for (const e of result.indexed) {
    const lines = byStream.get(e.stream) ?? [];
    lines.push(e.message);
    byStream.set(e.stream, lines);
  }
  for (const [stream, lines] of byStream) {
    const file = path.join(indexDir, `${safeName(stream)}.jsonl`);
    await writeFile(file, `${lines.join('\n')}\n`);
    written.index.push(file);
  }
  return written;
}
