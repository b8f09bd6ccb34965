// Faults a test arms for the next matching requests (see `Fault` in sim/types.ts).
import type { Fault } from '../types.js';

export class FaultList {
  private armed: Array<{ fault: Fault; left: number }> = [];

  inject(fault: Fault): void {
    this.armed.push({ fault, left: fault.times ?? 1 });
  }

  clear(): void {
    this.armed = [];
  }

  /** The first armed fault for this request, used up by one; undefined when none. */
  take(method: string, pathname: string): Fault | undefined {
    const entry = this.armed.find(
      (a) => a.left > 0 && a.fault.method.toUpperCase() === method && a.fault.path.test(pathname),
    );
    if (!entry) return undefined;
    entry.left -= 1;
    this.armed = this.armed.filter((a) => a.left > 0);
    return entry.fault;
  }
}
