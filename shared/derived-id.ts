// A UUID-shaped id derived from text (SHA-256), for trailwatch's own events (integrity findings, oversized
// records): the same finding always gets the same eventID, so a retried delivery raises the same alert and the
// dedupe store (issue 13) sends it once.
//
// node:crypto is loaded on the first id, not at import: the rules import this module, so a static import made every
// `trailwatch scan` load crypto at start-up (~5-7 ms of CPU, README "Performance", Start-up) for ids almost no scan
// derives. process.getBuiltinModule is Node's synchronous loader for built-ins (Node >= 20.16 / 22.3):
// https://nodejs.org/api/process.html#processgetbuiltinmoduleid
let createHash: typeof import('node:crypto').createHash | undefined;

export function uuidFrom(text: string): string {
  createHash ??= process.getBuiltinModule('node:crypto').createHash;
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
