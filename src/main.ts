// The main step: one try/catch, so every failure ends as a failed job with its cause.
import * as core from '@actions/core';
import { runAction } from './action.js';
import { errorMessage } from './io/errors.js';

export async function main(): Promise<void> {
  try {
    await runAction();
  } catch (error) {
    core.setFailed(errorMessage(error));
  }
}
