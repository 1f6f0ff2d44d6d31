/**
 * Virtual time for the capacity forecast: a clock that never waits. Work due at a moment is run at
 * that moment's time, and when nothing can run (every execution waits on a timer or a person, no
 * simulated person is acting) the clock jumps to the next thing due, so idle nights and weeks cost
 * nothing. `npm start`'s sped-up clock is another thing (shared/clock.ts) and is unchanged.
 *
 * Concurrency without losing time: work due within `windowMs` of the earliest is started together,
 * and each piece reads its own moment from `now()` (an AsyncLocalStorage context per execution or
 * action), so a step due at 09:07 is stamped 09:07 even while another due at 09:41 runs beside it.
 * What a window could reorder is which of two nearly simultaneous things reaches the table first;
 * the forecast takes worklists in moment order and books one at a time, so that a seed repeats.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

import type { Clock } from '../shared/clock.js';

/** A piece of work's own moment; an execution's moves on as its waits end. */
export interface Moment {
  ms: number;
}

interface Due {
  ms: number;
  seq: number;
  run: () => void | Promise<void>;
  cancelled?: boolean;
}

export interface AdvanceOptions {
  /** Start together what is due within this long of the earliest (virtual ms). */
  windowMs?: number;
  /** At most this many started together. */
  maxBatch?: number;
  /** Called after each batch has settled, with the clock's frontier. */
  onBatch?: (frontierMs: number) => void | Promise<void>;
}

export class VirtualTime implements Clock {
  private readonly context = new AsyncLocalStorage<Moment>();
  private readonly heap: Due[] = [];
  private seq = 0;
  private frontierMs: number;
  private busy = 0;
  private quietWaiters: (() => void)[] = [];
  private failure: Error | undefined;

  constructor(startMs: number) {
    this.frontierMs = startMs;
  }

  /** The moment of the work asking, or the frontier for work outside any (the earliest running). */
  now(): Date {
    return new Date(this.context.getStore()?.ms ?? this.frontierMs);
  }

  get frontier(): number {
    return this.frontierMs;
  }

  /** The current work's own moment object (an execution keeps one and moves it on). */
  moment(): Moment {
    return this.context.getStore() ?? { ms: this.frontierMs };
  }

  /** Runs `fn` (and everything it starts) with `moment` as its time. */
  within<T>(moment: Moment, fn: () => T): T {
    return this.context.run(moment, fn);
  }

  /** Schedules `run` at virtual `ms`; the returned function cancels it. */
  at(ms: number, run: () => void | Promise<void>): () => void {
    const due: Due = { ms, seq: this.seq++, run };
    this.push(due);
    return () => {
      due.cancelled = true;
    };
  }

  /** Schedules a person's action: it runs in its own moment and counts as busy until it settles. */
  act(ms: number, action: () => Promise<unknown>): void {
    this.at(ms, () => this.track(action));
  }

  /** Marks work as running (an execution between waits); `release` when it blocks or ends. */
  hold(): void {
    this.busy++;
  }

  release(): void {
    this.busy--;
    if (this.busy < 0) throw new Error('virtual time released more than held');
    if (this.busy === 0) {
      const waiters = this.quietWaiters;
      this.quietWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** Runs async work as busy; a failure stops the run (a forecast must not quietly lose work). */
  async track(work: () => Promise<unknown>): Promise<void> {
    this.hold();
    try {
      await work();
    } catch (error) {
      this.failure ??= error as Error;
    } finally {
      this.release();
    }
  }

  /** When nothing is running: busy is zero and stays zero across a turn of the event loop. */
  private async quiet(): Promise<void> {
    for (;;) {
      if (this.busy > 0) await new Promise<void>((resolve) => this.quietWaiters.push(resolve));
      // Promise callbacks and immediates already queued may start more work: let them.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.busy === 0) return;
    }
  }

  /** How many things are waiting to be due. */
  get pending(): number {
    return this.heap.length;
  }

  /** The earliest moment something is due, if anything is. */
  nextDue(): number | undefined {
    while (this.heap[0]?.cancelled) this.pop();
    return this.heap[0]?.ms;
  }

  /**
   * Runs everything due up to `untilMs`, jumping the clock over idle time, and leaves the frontier
   * there. Rejects with the first failure of a tracked action.
   */
  async advanceTo(untilMs: number, options: AdvanceOptions = {}): Promise<void> {
    const windowMs = options.windowMs ?? 0;
    const maxBatch = options.maxBatch ?? Infinity;
    for (;;) {
      await this.quiet();
      if (this.failure) throw this.failure;
      const first = this.nextDue();
      if (first === undefined || first > untilMs) break;
      this.frontierMs = Math.max(this.frontierMs, first);
      const last = Math.min(first + windowMs, untilMs);
      let started = 0;
      while (started < maxBatch) {
        const next = this.nextDue();
        if (next === undefined || next > last) break;
        const due = this.pop()!;
        started++;
        // Something scheduled in the past (a late arrival within a window) runs at the frontier's earliest.
        this.within({ ms: Math.max(due.ms, 0) }, () => {
          try {
            const result = due.run();
            if (result instanceof Promise) result.catch((error: Error) => (this.failure ??= error));
          } catch (error) {
            this.failure ??= error as Error;
          }
        });
      }
      await this.quiet();
      if (this.failure) throw this.failure;
      await options.onBatch?.(this.frontierMs);
    }
    this.frontierMs = Math.max(this.frontierMs, untilMs);
  }

  private push(due: Due): void {
    const h = this.heap;
    h.push(due);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private pop(): Due | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length && last) {
      h[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

const before = (a: Due, b: Due) => a.ms < b.ms || (a.ms === b.ms && a.seq < b.seq);
