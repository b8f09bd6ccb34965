// Before the lane: the pinned official CLI in its cache folder.
import { ensureCli } from './cli.js';

export default async function setup(): Promise<void> {
  await ensureCli();
}
