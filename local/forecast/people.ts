/**
 * The forecast's people and chance: seeded random draws, rotas, and a team working its queue.
 * Pure (no I/O): the simulation decides here when someone acts, and acts through the services.
 */
import { DateTime } from 'luxon';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';

import { SERVICE_TIME_ZONE } from '../../shared/domain/time.js';
import type { Hours } from './scenario.js';

const HOUR_MS = 3_600_000;

/** A seeded stream of numbers in [0, 1): the same seed and stream name give the same draws. */
export class Chance {
  private readonly rng;

  constructor(seed: number, stream: number) {
    // pure-rand's xoroshiro128plus(seed) puts the seed into the state unmixed, so neighbouring
    // streams (one per referral) would start with nearly the same draws: the first referral of each
    // run of a hundred all emergencies, then none. The state's four words come from SplitMix32 over
    // the seed and stream instead, so every stream starts somewhere unrelated.
    const words = splitMix32(splitMix32(seed)() ^ Math.imul(stream | 0, 0x9e3779b1));
    const state: number[] = [words(), words(), words(), words()];
    if (!state.some(Boolean)) state[0] = 1; // xoroshiro's one forbidden state
    this.rng = xoroshiro128plusFromState(state);
  }

  next(): number {
    return uniformFloat64(this.rng);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A key picked by weight. */
  pick<K extends string>(weights: Partial<Record<K, number>>): K {
    const entries = Object.entries(weights) as [K, number][];
    const total = entries.reduce((n, [, w]) => n + w, 0);
    let x = this.next() * total;
    for (const [k, w] of entries) if ((x -= w) < 0) return k;
    return entries.findLast(([, w]) => w > 0)![0];
  }

  /** Hours as a scenario gives them: fixed, or log-normal from a median and 90th centile. */
  hours(h: Hours): number {
    if (typeof h === 'number') return h;
    const sigma = Math.log(h.p90 / h.median) / 1.2815515655446004;
    return h.median * Math.exp(sigma * this.normal());
  }

  /** An exponential wait with this mean (arrivals of a Poisson process). */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** A standard normal (Box–Muller). */
  private normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

/** SplitMix32: a Weyl sequence through MurmurHash3's finaliser, well-spread 32-bit words from any seed. */
function splitMix32(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x9e3779b9) | 0;
    let z = Math.imul(s ^ (s >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) | 0;
  };
}

export interface Shift {
  days: number[];
  start: string;
  end: string;
}

/**
 * A rota as moments: the first moment at or after `ms` that someone on it is at work, and when that
 * stretch of work ends. UK wall-clock times, so a 09:00 shift is 09:00 in summer too.
 */
export function nextOnShift(rota: Shift[], ms: number): { from: number; until: number } {
  const at = DateTime.fromMillis(ms, { zone: SERVICE_TIME_ZONE });
  for (let d = 0; d < 15; d++) {
    const day = at.startOf('day').plus({ days: d });
    const stretches = rota
      .filter((s) => s.days.includes(day.weekday))
      .map((s) => ({ from: wallTime(day, s.start), until: wallTime(day, s.end) }))
      .filter((s) => s.until > ms)
      .sort((a, b) => a.from - b.from);
    if (stretches[0]) return { from: Math.max(ms, stretches[0].from), until: stretches[0].until };
  }
  throw new Error('the rota has nobody at work in a fortnight');
}

const wallTime = (day: DateTime, hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return day.set({ hour: h!, minute: m! }).toMillis();
};

/**
 * A team working one queue, oldest first: each item goes to whoever can start it soonest in their
 * rostered hours, takes its minutes, and is done when they finish. Work started before the end of a
 * shift is finished (a clinician does not leave a triage half done).
 */
export class Team {
  private readonly freeAt: number[];
  busyMs = 0;
  done = 0;

  constructor(
    readonly name: string,
    people: number,
    private readonly rota: Shift[],
    startMs: number,
  ) {
    this.freeAt = Array.from({ length: people }, () => startMs);
  }

  get people(): number {
    return this.freeAt.length;
  }

  /** When the item that arrived at `arrivedMs` is finished, taking `minutes`, and by whom (index). */
  schedule(arrivedMs: number, minutes: number): { doneMs: number; by: number } | undefined {
    if (!this.freeAt.length) return undefined;
    let best: { startMs: number; by: number } | undefined;
    this.freeAt.forEach((free, by) => {
      const { from } = nextOnShift(this.rota, Math.max(free, arrivedMs));
      if (!best || from < best.startMs) best = { startMs: from, by };
    });
    const doneMs = best!.startMs + minutes * 60_000;
    this.freeAt[best!.by] = doneMs;
    this.busyMs += minutes * 60_000;
    this.done++;
    return { doneMs, by: best!.by };
  }
}

export const hoursToMs = (h: number) => Math.round(h * HOUR_MS);
