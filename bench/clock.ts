// One clock for the whole bench: epoch ms with sub-ms precision, the same one the simulator
// stamps requests and releases with (`performance.timeOrigin + performance.now()`).

export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
