/**
 * The one source of time. Handlers and domain code call `now()`, never `Date.now()`, so that the
 * local runtime can run the service's clock faster (CLOCK_SPEEDUP) and tests can pin it.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

let current: Clock = systemClock;

export function now(): Date {
  return current.now();
}

export function nowIso(): string {
  return current.now().toISOString();
}

/** Replace the clock (local runtime, tests). Returns a function that restores the previous one. */
export function useClock(clock: Clock): () => void {
  const previous = current;
  current = clock;
  return () => {
    current = previous;
  };
}

/**
 * A clock whose virtual time runs `speedup` times faster than real time, starting from the real
 * time at creation. `toRealMs` converts a virtual duration into the real time to wait for it.
 */
export function spedUpClock(speedup: number, startMs = Date.now()): Clock & { speedup: number; toRealMs(virtualMs: number): number } {
  if (!(speedup >= 1)) throw new RangeError(`clock speed-up must be >= 1, got ${speedup}`);
  return {
    speedup,
    now: () => new Date(startMs + (Date.now() - startMs) * speedup),
    toRealMs: (virtualMs: number) => virtualMs / speedup,
  };
}

/** A clock that only moves when told to (tests). */
export function fixedClock(start: Date | string): Clock & { set(d: Date | string): void; advance(ms: number): void } {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    set: (d) => {
      t = new Date(d).getTime();
    },
    advance: (ms) => {
      t += ms;
    },
  };
}
