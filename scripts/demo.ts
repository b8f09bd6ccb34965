// `npm run demo`: the action against the local simulator, no account needed. Heroku: a
// healthy change deployed and verified; a broken one rolled back; a failed release phase; a
// deploy the test gate refuses. Fly.io: a healthy change on 3 machines in 2 regions and one
// failing midway through flyctl's rolling update. Each story's job summary is written as an
// HTML page rendered like GitHub renders it. Exits 0 only when every story ends as it should.
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { distEntry, type RunResult } from '../sim/runner.js';
import { previewPage } from './preview.js';
import { flyStories, herokuStories, type Story } from './stories.js';

function banner(text: string): void {
  console.log(`\n${'='.repeat(78)}\n${text}\n${'='.repeat(78)}`);
}

function show(result: RunResult): void {
  console.log(`exit code: ${String(result.exitCode)}`);
  console.log('outputs:', JSON.stringify(result.outputs));
  for (const annotation of result.annotations) {
    console.log(`annotation ${annotation.level}: ${annotation.message}`);
  }
  console.log('\n--- job summary ---\n');
  console.log(result.summary);
}

async function writePreviews(stories: readonly Story[]): Promise<string> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'guarded-deploy-summaries-'));
  for (const story of stories) {
    await writeFile(path.join(folder, `${story.id}.md`), story.run.summary);
    await writeFile(
      path.join(folder, `${story.id}.html`),
      await previewPage(story.title, story.run.summary),
    );
  }
  return folder;
}

async function main(): Promise<number> {
  if (!existsSync(distEntry)) {
    console.error(`${distEntry} is missing: run npm run build first.`);
    return 1;
  }
  const say = (line: string): void => console.log(line);
  const stories = [...(await herokuStories(say)), ...(await flyStories(say))];
  for (const [index, story] of stories.entries()) {
    banner(`Story ${index + 1}: ${story.title}`);
    show(story.run);
  }
  const failures = stories.filter((story) => story.problem !== '');
  banner(failures.length === 0 ? 'Demo OK: every story ended as it should' : 'Demo FAILED');
  for (const story of failures) console.log(`- ${story.title}: ${story.problem}`);
  const folder = await writePreviews(stories);
  console.log(`\nEach story's job summary, as GitHub would show it: ${folder}`);
  return failures.length === 0 ? 0 : 1;
}

process.exitCode = await main();
