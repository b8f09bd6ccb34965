// Entry point of the bundled action: the same file runs as the main step and, when main has
// left its mark in the saved state, as the post step.
import { getState } from '@actions/core';
import { main } from './main.js';
import { State } from './settings/names.js';
import { post } from './post.js';

if (getState(State.IsPost) === 'true') await post();
else await main();
// Exit now: after a cancellation a platform request may still be in flight, and the post
// step takes over from here. The exit code is the one setFailed left.
process.exit();
