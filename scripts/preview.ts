// A job summary as GitHub shows it: GitHub-flavoured Markdown (marked, GFM on) in GitHub's
// own Markdown stylesheet (github-markdown-css), as a self-contained HTML page.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Marked } from 'marked';

const require = createRequire(import.meta.url);
const gfm = new Marked({ gfm: true, breaks: false });

/** Markdown to HTML the way GitHub's renderer reads it (tables, autolinks, raw <details>). */
export function renderMarkdown(markdown: string): string {
  return gfm.parse(markdown, { async: false });
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A page like the job summary on a run's page: light theme, GitHub's width and padding. */
export async function previewPage(title: string, markdown: string): Promise<string> {
  const css = await readFile(
    require.resolve('github-markdown-css/github-markdown-light.css'),
    'utf8',
  );
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${css}\nbody{margin:0;background:#fff}`,
    '.markdown-body{box-sizing:border-box;max-width:980px;margin:0 auto;padding:32px}</style>',
    '</head><body><article class="markdown-body">',
    renderMarkdown(markdown),
    '</article></body></html>',
  ].join('\n');
}

const run = promisify(execFile);

/** A PNG of an HTML file made by headless Chromium (Debian's `chromium` package). */
export async function screenshot(
  htmlFile: string,
  pngFile: string,
  width = 1000,
  height = 1400,
): Promise<void> {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'gd-chromium-'));
  try {
    await run(
      process.env.CHROMIUM ?? 'chromium',
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--hide-scrollbars',
        `--user-data-dir=${profile}`,
        `--screenshot=${pngFile}`,
        `--window-size=${width},${height}`,
        pathToFileURL(htmlFile).href,
      ],
      { timeout: 60_000 },
    );
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}
