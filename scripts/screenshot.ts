// `tsx scripts/screenshot.ts page.html out.png [height]`: a PNG of a summary preview, as
// made for docs/ (headless Chromium, 1000 px wide).
import { screenshot } from './preview.js';

const [html, png, height] = process.argv.slice(2);
if (html === undefined || png === undefined) {
  console.error('usage: tsx scripts/screenshot.ts page.html out.png [height]');
  process.exitCode = 2;
} else {
  await screenshot(html, png, 1000, Number(height ?? 1400));
}
