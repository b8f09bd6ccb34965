// How long a rollback waits for a lease someone else holds on a machine: out of what is left
// of the rollback's budget, keeping back what the rest of that machine's restore needs. Pure,
// clock passed in.

export interface LeaseWaitFacts {
  /** Now, on the clock of `budgetEndsAt` and `holderExpiresAt` (epoch ms). */
  readonly now: number;
  /** When the rollback's budget runs out. */
  readonly budgetEndsAt: number;
  /** Kept back from the budget for restoring the machine once its lease is taken. */
  readonly reserveMs: number;
  /** When the holder's lease expires, when Fly says; it may be renewed, so look again then. */
  readonly holderExpiresAt: number | undefined;
  /** Lease requests refused so far (1 after the first 409). */
  readonly attempt: number;
  /** Refusals tolerated when Fly does not say when the lease ends. */
  readonly maxAttempts: number;
  /** The pause between attempts when Fly does not say when the lease ends. */
  readonly retryMs: number;
}

export type LeaseWait =
  | { readonly kind: 'wait'; readonly ms: number }
  /** `leftMs`: what the budget still allowed for waiting (0 when spent). */
  | { readonly kind: 'give-up'; readonly leftMs: number };

/** Just past the expiry, so the next request does not race it. */
const PAST_EXPIRY_MS = 500;

export function decideLeaseWait(facts: LeaseWaitFacts): LeaseWait {
  const left = Math.max(0, facts.budgetEndsAt - facts.reserveMs - facts.now);
  const giveUp: LeaseWait = { kind: 'give-up', leftMs: left };
  if (left === 0) return giveUp;
  if (facts.holderExpiresAt === undefined) {
    if (facts.attempt >= facts.maxAttempts) return giveUp;
    return { kind: 'wait', ms: Math.min(facts.retryMs, left) };
  }
  const expiresIn = Math.max(0, facts.holderExpiresAt - facts.now);
  if (expiresIn > left) return giveUp;
  return { kind: 'wait', ms: Math.min(expiresIn + PAST_EXPIRY_MS, left) };
}
