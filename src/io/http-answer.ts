// The small readings of HTTP answers the client needs: a platform's error detail, header
// values, text lines, and request names safe to print (no query string: it can be a secret).
import type { Dispatcher } from 'undici';
import { errorMessage } from './errors.js';
import { redactSecrets } from './secrets.js';

const errorBodyLimit = 64 * 1024;

/** The URL without its query string: a presigned URL's query is a credential. */
export function safeUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

export function describeFailure(error: unknown): string {
  const message = errorMessage(error);
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = error.code;
    if (typeof code === 'string' && !message.includes(code)) return `${message} (${code})`;
  }
  return message;
}

export function firstValues(headers: Dispatcher.ResponseData['headers']): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') result[name.toLowerCase()] = first;
  }
  return result;
}

export function lowerKeys(
  headers: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) result[name.toLowerCase()] = value;
  return result;
}

export function toBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  return new TextEncoder().encode(String(chunk));
}

export interface Failure {
  readonly status: number;
  readonly errorId: string | undefined;
  /** The message without the request it is about. */
  readonly summary: string;
}

export interface ErrorDetail {
  readonly id?: string;
  readonly message?: string;
}

/** The platform's `{id, message}` (JSON) or an S3-style `<Code>`/`<Message>` (XML). */
export async function readErrorDetail(body: Dispatcher.ResponseData['body']): Promise<ErrorDetail> {
  const decoder = new TextDecoder();
  let text = '';
  try {
    for await (const chunk of body) {
      text += decoder.decode(toBytes(chunk), { stream: true });
      if (text.length >= errorBodyLimit) break;
    }
  } catch {
    return {};
  } finally {
    body.destroy();
  }
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      const parsed = JSON.parse(trimmed) as unknown;
      if (typeof parsed !== 'object' || parsed === null) return {};
      const { id, message } = parsed as Record<string, unknown>;
      return {
        ...(typeof id === 'string' ? { id: redactSecrets(id) } : {}),
        ...(typeof message === 'string' ? { message: redactSecrets(message) } : {}),
      };
    } catch {
      return {};
    }
  }
  const code = /<Code>([^<]{1,100})<\/Code>/.exec(trimmed)?.[1];
  const message = /<Message>([^<]{1,500})<\/Message>/.exec(trimmed)?.[1];
  return {
    ...(code ? { id: redactSecrets(code) } : {}),
    ...(message ? { message: redactSecrets(message) } : {}),
  };
}
