// The Fly-only inputs of a deploy: fly.toml, image, flyctl arguments and flyctl itself.
import { accessSync, constants, readFileSync } from 'node:fs';
import { parse as parseToml } from 'smol-toml';
import { Input } from './names.js';
import { parseFlyctlArgs } from './parse.js';
import { findOnPath, insideWorkspace } from './paths.js';
import type { InputReader } from './reader.js';
import type { FlyInputs } from './types.js';

/** Splits a Fly token the way flyctl does, to mask each macaroon part on its own. */
export function flyTokenParts(token: string): string[] {
  return token
    .replace(/^(FlyV1|Bearer)\s+/, '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length >= 8);
}

/** `[deploy] strategy` of a fly.toml, when it can be read; flyctl reports its own errors. */
function deployStrategy(file: string): string | undefined {
  try {
    const config: unknown = parseToml(readFileSync(file, 'utf8'));
    const deploy = (config as { deploy?: { strategy?: unknown } }).deploy;
    return typeof deploy?.strategy === 'string' ? deploy.strategy : undefined;
  } catch {
    return undefined;
  }
}

/** fly.toml, inside the workspace and readable; the path is checked even when unreadable. */
function readFlyConfig(
  reader: InputReader,
  workspace: string,
  sourceDir: string,
  sourceDirReadable: boolean,
): { value: string; file: string } {
  const value = reader.raw(Input.FlyConfig) === '' ? 'fly.toml' : reader.raw(Input.FlyConfig);
  const resolved = insideWorkspace(workspace, sourceDir, value);
  if ('problem' in resolved) {
    reader.fail(Input.FlyConfig, value, resolved.problem);
    return { value, file: '' };
  }
  if (sourceDirReadable) {
    try {
      accessSync(resolved.path, constants.R_OK);
    } catch {
      reader.fail(Input.FlyConfig, value, `is not a readable file (${resolved.path})`);
    }
  }
  return { value, file: resolved.path };
}

export function readFlyInputs(
  reader: InputReader,
  env: NodeJS.ProcessEnv,
  workspace: string,
  sourceDir: string,
  sourceDirReadable: boolean,
): FlyInputs {
  const config = readFlyConfig(reader, workspace, sourceDir, sourceDirReadable);
  const flyctlArgs = reader.parsed(Input.FlyctlArgs, parseFlyctlArgs, []);
  const overridesStrategy = flyctlArgs.some((arg) => arg.startsWith('--strategy'));
  if (!overridesStrategy && config.file !== '' && deployStrategy(config.file) === 'immediate') {
    reader.fail(
      Input.FlyConfig,
      config.value,
      "sets [deploy] strategy = 'immediate', which exits 0 on a broken app; use rolling, " +
        'canary or bluegreen (or --strategy in flyctl-args)',
    );
  }
  const imageValue = reader.raw(Input.Image);
  // An image reference: registry/name[:tag][@sha256:digest], no spaces or shell syntax.
  if (imageValue !== '' && !/^[a-z0-9][a-z0-9._\-/:@]{0,254}$/.test(imageValue)) {
    reader.fail(Input.Image, imageValue, 'is not an image reference like registry.fly.io/app:tag');
  }
  const flyctlPath = findOnPath(['flyctl', 'fly'], env.PATH ?? '');
  if (flyctlPath === undefined) {
    reader.fail(
      Input.Platform,
      'fly',
      'needs flyctl on PATH; add this step before guarded-deploy: ' +
        '`- uses: superfly/flyctl-actions/setup-flyctl@master`',
    );
  }
  return {
    flyConfig: config.file,
    image: imageValue === '' ? undefined : imageValue,
    flyctlArgs,
    flyctlPath: flyctlPath ?? '',
  };
}
