// Entry point of the bundled action: the same file runs as the main step and, when main has
// left its mark in the saved state, as the post step. It loads only what this run needs
// (each `import()` is a chunk of dist/): the post step runs after every job and almost always
// has nothing to do, so it decides that from the saved state before loading anything else.
import { EOL } from 'node:os';
import { NOTHING_TO_ROLL_BACK, postStepMayRollBack } from './flow/decide.js';
import { State } from './settings/names.js';

/** A value main saved: the runner passes it as STATE_<name> (what core.getState reads),
 * read here without loading @actions/core, which alone costs more than the rest of a start. */
function saved(name: string): string {
  return process.env[`STATE_${name}`] ?? '';
}

if (saved(State.IsPost) !== 'true') {
  const { main } = await import('./main.js');
  await main();
} else if (postStepMayRollBack(saved(State.Stage), saved(State.Target) !== '')) {
  const { post } = await import('./post.js');
  await post();
} else {
  process.stdout.write(`${NOTHING_TO_ROLL_BACK}${EOL}`);
}
// Exit now: after a cancellation a platform request may still be in flight, and the post
// step takes over from here. The exit code is the one setFailed left.
process.exit();
