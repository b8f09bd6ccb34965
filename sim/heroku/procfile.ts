// Procfile parsing, as Heroku reads it: one `<process type>: <command>` per line.
import fs from 'node:fs/promises';
import path from 'node:path';

export type ProcessTypes = Readonly<Record<string, string>>;

const LINE = /^([A-Za-z0-9_-]+):\s*(.+)$/;

export function parseProcfile(text: string): ProcessTypes {
  const types: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const match = LINE.exec(raw.trim());
    if (match?.[1] && match[2]) types[match[1]] = match[2].trim();
  }
  return types;
}

/** The Procfile of a slug dir, or undefined when there is none. */
export async function readProcfile(dir: string): Promise<ProcessTypes | undefined> {
  try {
    return parseProcfile(await fs.readFile(path.join(dir, 'Procfile'), 'utf8'));
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return undefined;
    throw error;
  }
}

function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}
