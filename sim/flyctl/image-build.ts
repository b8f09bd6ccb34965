// `flyctl deploy --remote-only`'s build, simulated: the working tree is packed and pushed to
// the registry as `registry.fly.io/<app>:<label>`; `--image` looks an existing image up.
import path from 'node:path';
import { c as createTar } from 'tar';
import { FlyctlError } from './machines-client.js';

export interface PushedImage {
  /** `registry.fly.io/<app>:<tag>@sha256:...` */
  readonly ref: string;
  readonly registry: string;
  readonly repository: string;
  readonly tag: string;
  readonly digest: string;
  readonly size: number;
}

const EXCLUDED = new Set(['.git', 'node_modules']);
const TIMEOUT_MS = 120_000;

export async function buildAndPush(
  baseUrl: string,
  authorization: string,
  app: string,
  label: string,
  sourceDir: string,
  labels: Readonly<Record<string, string>>,
): Promise<PushedImage> {
  const chunks: Buffer[] = [];
  const stream = createTar(
    {
      gzip: true,
      cwd: sourceDir,
      portable: true,
      filter: (entry) => !entry.split(/[\\/]/).some((part) => EXCLUDED.has(part)),
    },
    ['.'],
  );
  for await (const chunk of stream) {
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  }
  const response = await fetch(`${registryBase(baseUrl)}/${app}/${encodeURIComponent(label)}`, {
    method: 'PUT',
    headers: {
      authorization,
      'content-type': 'application/gzip',
      'fly-image-labels': JSON.stringify(labels),
    },
    body: Buffer.concat(chunks),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  return answerOf(response, `failed to push image for ${path.basename(sourceDir)}`);
}

export async function resolveImage(
  baseUrl: string,
  authorization: string,
  ref: string,
): Promise<PushedImage> {
  const response = await fetch(`${registryBase(baseUrl)}/resolve?ref=${encodeURIComponent(ref)}`, {
    headers: { authorization },
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  return answerOf(response, `failed to fetch an image or build from source: ${ref}`);
}

function registryBase(baseUrl: string): string {
  return `${baseUrl.replace(/\/$/, '')}/registry`;
}

async function answerOf(response: Response, what: string): Promise<PushedImage> {
  const text = await response.text();
  if (!response.ok) throw new FlyctlError(`${what}: ${response.status} ${text.trim()}`);
  return JSON.parse(text) as PushedImage;
}
