// A loopback proxy in front of the S3 emulator that breaks GetObject bodies the way a network can: it stalls
// (headers and the first bytes sent, then nothing, the connection left open) or corrupts (one byte flipped on the
// way, every header, ETag included, passed through). Other requests, and GetObject errors, pass unchanged.
// Limits: none of its own; S3's are s3rver's, behind it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type BodyFault =
  /** Send `after` body bytes, then nothing more (the socket stays open). */
  | { kind: 'stall'; after: number }
  /** XOR the body byte at `at` with `mask` (default 0x01: `1` becomes `0`, `e` becomes `d`). */
  | { kind: 'corrupt'; at: number; mask?: number };

export interface FaultyProxy {
  endpoint: string;
  /** GetObject bodies the proxy has broken so far. */
  faults(): number;
  close(): Promise<void>;
}

export async function startFaultyProxy(targetPort: number, fault: BodyFault): Promise<FaultyProxy> {
  let faults = 0;
  const server = http.createServer((req, res) => {
    const upstream = http.request(
      { host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers },
      (response) => {
        res.writeHead(response.statusCode ?? 502, response.headers);
        if (req.method !== 'GET' || (response.statusCode ?? 500) >= 300) {
          response.pipe(res);
          return;
        }
        faults++;
        let sent = 0;
        response.on('data', (chunk: Buffer) => {
          if (fault.kind === 'corrupt') {
            if (fault.at >= sent && fault.at < sent + chunk.length) {
              const copy = Buffer.from(chunk);
              copy[fault.at - sent] = (copy[fault.at - sent] ?? 0) ^ (fault.mask ?? 0x01);
              chunk = copy;
            }
            sent += chunk.length;
            res.write(chunk);
            return;
          }
          if (sent >= fault.after) return;
          const part = chunk.subarray(0, fault.after - sent);
          sent += part.length;
          res.write(part);
          // Headers and `after` bytes are out; the rest never comes.
          if (sent >= fault.after) response.destroy();
        });
        response.on('end', () => res.end());
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    faults: () => faults,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
