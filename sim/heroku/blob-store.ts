// The source blob store behind POST /sources: presigned GET/PUT URLs that behave like S3's
// (the real source_blob URLs point at S3).
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const BLOB_PREFIX = '/blobs/';
const SIGNATURE_PARAM = 'X-Amz-Signature';

export class BlobStore {
  private readonly secret = randomBytes(32);

  constructor(private readonly dir: string) {}

  /** A new source: the URLs a client uploads to and the build fetches from. */
  async createSource(baseUrl: string): Promise<{ get_url: string; put_url: string }> {
    await fs.mkdir(this.dir, { recursive: true });
    const key = randomUUID();
    const url = (method: string): string =>
      `${baseUrl}${BLOB_PREFIX}${key}?X-Amz-Expires=3600&${SIGNATURE_PARAM}=` +
      this.sign(method, key);
    return { get_url: url('GET'), put_url: url('PUT') };
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const key = url.pathname.slice(BLOB_PREFIX.length);
    const method = req.method ?? 'GET';
    if (!/^[0-9a-f-]{36}$/.test(key))
      return s3Error(res, 404, 'NoSuchKey', 'The specified key does not exist.');
    if (method !== 'GET' && method !== 'PUT') {
      return s3Error(res, 405, 'MethodNotAllowed', 'The specified method is not allowed.');
    }
    if (!this.verify(method, key, url.searchParams.get(SIGNATURE_PARAM))) {
      return s3Error(res, 403, 'SignatureDoesNotMatch', SIGNATURE_MESSAGE);
    }
    if (method === 'PUT') return this.put(req, res, key);
    return this.get(res, key);
  }

  private async put(req: IncomingMessage, res: ServerResponse, key: string): Promise<void> {
    // The URL was signed without a Content-Type, so S3 rejects any the client adds.
    if (req.headers['content-type']) {
      return s3Error(res, 403, 'SignatureDoesNotMatch', SIGNATURE_MESSAGE);
    }
    const declared = req.headers['content-length'];
    if (declared === undefined || req.headers['transfer-encoding'] !== undefined) {
      return s3Error(
        res,
        411,
        'MissingContentLength',
        'You must provide the Content-Length HTTP header.',
      );
    }
    const file = this.file(key);
    const partial = `${file}.${randomUUID()}.part`;
    const md5 = createHash('md5');
    let received = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        md5.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(req, counter, createWriteStream(partial));
    } catch {
      await fs.rm(partial, { force: true });
      res.destroy();
      return;
    }
    if (received !== Number(declared)) {
      await fs.rm(partial, { force: true });
      return s3Error(
        res,
        400,
        'IncompleteBody',
        'You did not provide the number of bytes specified by the Content-Length HTTP header.',
      );
    }
    await fs.rename(partial, file);
    res.writeHead(200, { etag: `"${md5.digest('hex')}"`, 'content-length': '0' });
    res.end();
  }

  private async get(res: ServerResponse, key: string): Promise<void> {
    const file = this.file(key);
    let size: number;
    try {
      size = (await fs.stat(file)).size;
    } catch {
      return s3Error(res, 404, 'NoSuchKey', 'The specified key does not exist.');
    }
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(size),
    });
    try {
      await pipeline(createReadStream(file), res);
    } catch {
      res.destroy();
    }
  }

  private file(key: string): string {
    return path.join(this.dir, key);
  }

  private sign(method: string, key: string): string {
    return createHmac('sha256', this.secret).update(`${method}\n${key}`).digest('hex');
  }

  private verify(method: string, key: string, signature: string | null): boolean {
    if (!signature) return false;
    const expected = Buffer.from(this.sign(method, key));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

const SIGNATURE_MESSAGE =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your key and signing method.';

function s3Error(res: ServerResponse, status: number, code: string, message: string): void {
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${code}</Code><Message>${message}</Message>` +
    `<RequestId>${randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase()}</RequestId></Error>`;
  // Drain an unread upload so the client gets to read the answer.
  res.req.resume();
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(body);
}
