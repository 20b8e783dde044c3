// The memory held by partially received requests, shared by every connection on both paths.
// Invariant: `held` is the sum of what each connection has taken and not given back, so it never
// exceeds `cap`; a connection gives back everything it took when its request completes or it closes.

export class BodyBudget {
  private heldBytes = 0;

  constructor(readonly cap: number) {}

  get held(): number {
    return this.heldBytes;
  }

  /** Reserves `bytes`; false (nothing reserved) when that would pass the cap. */
  take(bytes: number): boolean {
    if (this.heldBytes + bytes > this.cap) return false;
    this.heldBytes += bytes;
    return true;
  }

  give(bytes: number): void {
    this.heldBytes -= bytes;
  }
}
