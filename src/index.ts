// Entry point of the bundled action: dispatches the main step (the post step comes with
// cancellation-safe rollback).
import { main } from './main.js';

await main();
