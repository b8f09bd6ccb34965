// The simulator's image registry: an "image" is a copy of a working tree, addressed
// `registry.fly.io/<app>:<tag>`, whose digest is a sha256 over its files and labels (so the
// same tree with the same labels gets the same digest, like a reproducible build).
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { x as extractTar } from 'tar';

export const REGISTRY = 'registry.fly.io';

export interface ImageRecord {
  readonly registry: string;
  readonly repository: string;
  readonly tag: string;
  readonly digest: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Where the image's files are (read-only for machines). */
  readonly dir: string;
  readonly sizeBytes: number;
}

export interface ParsedRef {
  readonly registry: string;
  readonly repository: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;
}

/** `registry.fly.io/<repo>:<tag>`, the form flyctl puts in a machine's config.image. */
export function imageRef(image: Pick<ImageRecord, 'registry' | 'repository' | 'tag'>): string {
  return `${image.registry}/${image.repository}:${image.tag}`;
}

/** The reference pinned to its digest: `<registry>/<repo>:<tag>@sha256:...`. */
export function pinnedRef(image: ImageRecord): string {
  return `${imageRef(image)}@${image.digest}`;
}

/** `<registry>/<repository>[:<tag>][@sha256:<hex>]`, at least one of tag and digest. */
const IMAGE_REF = new RegExp(
  '^([a-z0-9.-]+(?::\\d+)?)/([a-z0-9._/-]+?)' +
    '(?::([\\w][\\w.-]{0,127}))?(?:@(sha256:[0-9a-f]{64}))?$',
);

export function parseImageRef(ref: string): ParsedRef | undefined {
  const match = IMAGE_REF.exec(ref.trim());
  if (!match?.[1] || !match[2] || (match[3] === undefined && match[4] === undefined)) {
    return undefined;
  }
  return { registry: match[1], repository: match[2], tag: match[3], digest: match[4] };
}

const EXCLUDED = new Set(['.git']);

export class ImageStore {
  private readonly images: ImageRecord[] = [];

  constructor(private readonly dir: string) {}

  /** Stores a copy of `sourceDir` as `<repository>:<tag>`. */
  async addDirectory(
    repository: string,
    tag: string,
    sourceDir: string,
    labels: Readonly<Record<string, string>> = {},
  ): Promise<ImageRecord> {
    const staging = await this.staging();
    await fs.cp(sourceDir, staging, {
      recursive: true,
      filter: (source) => !EXCLUDED.has(path.basename(source)),
    });
    return this.commit(repository, tag, staging, labels);
  }

  /** Stores a gzipped tarball of a working tree as `<repository>:<tag>`. */
  async addTarball(
    repository: string,
    tag: string,
    tarball: Readable,
    labels: Readonly<Record<string, string>> = {},
  ): Promise<ImageRecord> {
    const staging = await this.staging();
    try {
      await pipeline(tarball, extractTar({ cwd: staging, strict: true }));
    } catch (error) {
      await fs.rm(staging, { recursive: true, force: true });
      throw error;
    }
    return this.commit(repository, tag, staging, labels);
  }

  /** The image a reference names (by tag, digest or both), if the registry has it. */
  resolve(ref: string): ImageRecord | undefined {
    const parsed = parseImageRef(ref);
    if (!parsed || parsed.registry !== REGISTRY) return undefined;
    for (let index = this.images.length - 1; index >= 0; index -= 1) {
      const image = this.images[index];
      if (!image || image.repository !== parsed.repository) continue;
      if (parsed.tag !== undefined && image.tag !== parsed.tag) continue;
      if (parsed.digest !== undefined && image.digest !== parsed.digest) continue;
      return image;
    }
    return undefined;
  }

  private async staging(): Promise<string> {
    const staging = path.join(this.dir, 'staging', randomUUID());
    await fs.mkdir(staging, { recursive: true });
    return staging;
  }

  private async commit(
    repository: string,
    tag: string,
    staging: string,
    labels: Readonly<Record<string, string>>,
  ): Promise<ImageRecord> {
    const { digest, sizeBytes } = await digestTree(staging, labels);
    const finalDir = path.join(this.dir, digest.replace(':', '-'));
    try {
      await fs.rename(staging, finalDir);
    } catch {
      // Same content pushed before: keep the stored copy.
      await fs.rm(staging, { recursive: true, force: true });
    }
    const image: ImageRecord = {
      registry: REGISTRY,
      repository,
      tag,
      digest,
      labels: { ...labels },
      dir: finalDir,
      sizeBytes,
    };
    this.images.push(image);
    return image;
  }
}

async function digestTree(
  root: string,
  labels: Readonly<Record<string, string>>,
): Promise<{ digest: string; sizeBytes: number }> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  const files = (await fs.readdir(root, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .sort();
  for (const file of files) {
    const content = await fs.readFile(path.join(root, file));
    sizeBytes += content.length;
    hash.update(`${file}\0${content.length}\0`).update(content);
  }
  const sortedLabels = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  hash.update(JSON.stringify(sortedLabels));
  return { digest: `sha256:${hash.digest('hex')}`, sizeBytes };
}
