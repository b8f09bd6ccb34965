// The demo's stories, run once for real, each summary checked as a reader would need it and
// kept as a golden copy (volatile values normalised) so a change to it shows in review.
import { beforeAll, describe, expect, it } from 'vitest';
import { flyStories, herokuStories, type Story } from '../../scripts/stories.js';
import { causeText, summaryProblems } from '../helpers/summary-checks.js';

let stories: Story[] = [];

beforeAll(async () => {
  const quiet = (): void => undefined;
  stories = [...(await herokuStories(quiet)), ...(await flyStories(quiet))];
}, 150_000);

/** Times, ports, hashes and poll counts differ run to run; the words must not. */
function normalise(markdown: string): string {
  return (
    markdown
      // The app's own log lines carry times, ports and one line per poll: kept as their fold.
      .replace(
        /<details><summary>Last \d+ ([^<]*)<\/summary>\n\n`{3,}text\n[\s\S]*?\n`{3,}\n\n<\/details>/g,
        '<details><summary>Last # $1</summary>\n\n(app log lines)\n\n</details>',
      )
      .replace(/\d+\.\d\u00a0s/g, '#.#\u00a0s')
      .replace(/\d+\u00a0ms/g, '#\u00a0ms')
      // The image holds the checkout's path: its size depends on where the clone lives.
      .replace(/image size: [\d.]+ kB/g, 'image size: # kB')
      .replace(/\d+ ms\b/g, '# ms')
      .replace(/after [\d.]+ s/g, 'after # s')
      .replace(/\d+ polls/g, '# polls')
      .replace(/\d+\/\d+ in/g, '#/# in')
      .replace(/\d+ passed/g, '# passed')
      .replace(/\| [🟩🟥⬛][🟩🟥⬛ …\d]* \|/gu, '| ▦ |')
      .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT')
      // flyctl tags an image it builds `deployment-<ULID>`: a new one every run.
      .replace(/deployment-[0-9A-HJKMNP-TV-Z]{26}/g, 'deployment-<ulid>')
      .replace(/[0-9a-f]{7,}/g, '<hex>')
  );
}

const FOLDED = new Set(['3-heroku-release-failed', '6-fly-rolled-back']);
const ids = [
  '1-heroku-deployed',
  '2-heroku-rolled-back',
  '3-heroku-release-failed',
  '4-heroku-refused',
  '5-fly-deployed',
  '6-fly-rolled-back',
];

describe('the demo stories summaries', () => {
  it('runs every story, each ending as it should', () => {
    expect(stories.map((story) => story.id)).toEqual(ids);
    expect(stories.filter((story) => story.problem !== '').map((s) => s.problem)).toEqual([]);
  });

  it.each(ids)('%s: the cause quotes the platform, output is folded, no raw HTML', (id) => {
    const story = stories.find((entry) => entry.id === id);
    if (story === undefined) throw new Error(`story ${id} did not run`);
    const logLines = FOLDED.has(id) ? [story.platformWords] : [];
    expect(
      summaryProblems(story.run.summary, { platformWords: story.platformWords, logLines }),
    ).toEqual([]);
    if (story.expected !== 'deployed') {
      const errors = story.run.annotations.filter((annotation) => annotation.level === 'error');
      const firstLines = errors.map((annotation) => annotation.message.split('\n')[0]);
      expect(firstLines).toContain(causeText(story.run.summary));
    }
  });

  it.each(ids)('%s: matches its golden copy', async (id) => {
    const story = stories.find((entry) => entry.id === id);
    if (story === undefined) throw new Error(`story ${id} did not run`);
    await expect(normalise(story.run.summary)).toMatchFileSnapshot(`../golden/stories/${id}.md`);
  });
});
