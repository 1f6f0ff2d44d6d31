/**
 * One forecast run: a scenario's referrals through the real workflow in virtual time. The same ASL
 * and handlers as AWS, the same DynamoDB (Local), the same figures code; simulated staff and
 * patients act through the services their clicks reach (submitDecision, patientAction), at the
 * moments the scenario's rotas, rates and delays give, and the clock jumps over idle time.
 *
 * Shared code is imported lazily (after the environment is set), as the handlers would be in Lambda.
 */
import { DateTime } from 'luxon';

import type { Report } from '../../shared/domain/figures.js';
import type { Referral } from '../../shared/domain/referral.js';
import { mayDecide, type StaffUser } from '../../shared/domain/staff.js';
import type { StepKind } from '../../shared/domain/vocabulary.js';
import type { WaitingListSummary } from '../../shared/domain/waiting-list.js';
import type { FunctionName } from '../../shared/functions.js';
import { ensureTable, LOCAL_AWS_ENV } from '../dynamodb-local.js';
import { VirtualTime } from '../virtual-time.js';
import { lambdaContext, loadHandler, LocalWorkflow } from '../workflow-runner.js';
import { Chance, hoursToMs, Team } from './people.js';
import { REDIRECT_COMMUNITY, REDIRECT_SECONDARY, type Scenario, settingsAsEnv } from './scenario.js';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** After the last arrival, journeys are followed to their end for at most this long. */
const RUN_ON_WEEKS = 26;

export interface Progress {
  simulated: Date;
  referrals: number;
  running: number;
  wallSeconds: number;
}

export interface RunOptions {
  /** DynamoDB Local's endpoint; each run gets a fresh table on it. */
  endpoint: string;
  tableName: string;
  /** Shorten the scenario to this many weeks. */
  weeks?: number;
  onProgress?: (progress: Progress) => void;
  /** Start together what is due within this many virtual minutes (see virtual-time.ts). */
  windowMinutes?: number;
  /** After the last arrival, follow journeys to their end for at most this many weeks (default 26). */
  runOnWeeks?: number;
}

export interface WeekRow {
  weekStarting: string;
  received: number;
  triagedWithin24Hours: number | null;
  medianHoursToTriage: number | null;
  routineSeenWithin4Weeks: number | null;
  urgentSeenWithin5Days: number | null;
  firstContactWithinTarget: number | null;
  didNotAttendRate: number | null;
  /** Waiting for a first appointment at the week's end, and of them how many for over 4 weeks. */
  waiting: number;
  waitingOver4Weeks: number;
}

export interface RunResult {
  name: string;
  period: { from: string; to: string };
  referrals: number;
  /** Executions that ended: closed (Succeed) or failed; still running when the run stopped. */
  journeys: { succeeded: number; failed: number; stillRunning: number };
  report: Report;
  weeks: WeekRow[];
  /** Waiting list at the end of each week (UK Sunday). */
  waitingLists: { weekEnding: string; summary: WaitingListSummary }[];
  staff: { team: string; people: number; items: number; utilisation: number | null }[];
  messages: { sms: number; staffEmails: number; emails: number };
  /** What simulated people got back that a person would not expect, by step and state (none in a sound run). */
  unexpected: Record<string, number>;
  dynamodbRequests: number;
  /** The same by command (GetCommand, TransactWriteCommand…): where a forecast's requests go. */
  requestsByCommand: Record<string, number>;
  wallSeconds: number;
  referralsPerSecond: number;
  peakRssMb: number;
}

/** Runs one scenario (a variant already merged) and returns its figures. */
export async function runScenario(scenario: Scenario, options: RunOptions): Promise<RunResult> {
  const wallStart = performance.now();
  const weeks = Math.min(options.weeks ?? scenario.weeks, scenario.weeks);
  const startMs = DateTime.fromISO(scenario.start, { zone: 'Europe/London' }).toMillis();
  const endMs = DateTime.fromMillis(startMs, { zone: 'Europe/London' }).plus({ weeks }).toMillis();
  // The scenario's settings first, then what this run needs (a setting cannot move the table).
  const env: Record<string, string> = {
    ...settingsAsEnv(scenario.settings),
    ...LOCAL_AWS_ENV,
    AWS_ENDPOINT_URL_DYNAMODB: options.endpoint,
    TABLE_NAME: options.tableName,
    SERVICE_NAME: String(scenario.settings.SERVICE_NAME ?? scenario.name).slice(0, 40),
    PUBLIC_BASE_URL: 'https://forecast.invalid',
    STAFF_AUTH_URL: 'https://forecast.invalid/local',
    STAFF_CLIENT_ID: 'forecast',
  };
  const previous = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  await ensureTable(options.endpoint, options.tableName);

  const { useClock } = await import('../../shared/clock.js');
  const { config, resetConfig } = await import('../../shared/config.js');
  const { resetDocumentClient } = await import('../../shared/store/dynamo.js');
  const { installAdapters, resetAdapters } = await import('../../shared/ports/index.js');
  const { staticLinkKeys } = await import('../../shared/ports/link-keys.js');
  const { localStaffIdentity } = await import('../staff-identity.js');
  const { acceptReferral } = await import('../../shared/services/intake.js');
  const { referralRequestSchema } = await import('../../shared/domain/referral.js');
  const { submitDecision } = await import('../../shared/services/decisions.js');
  const { patientAction, choosableSlots } = await import('../../shared/services/patient-links.js');
  const { windowEndFor } = await import('../../shared/services/booking.js');
  const { taskLink, patientLink } = await import('../../shared/services/links.js');
  const { getReferral } = await import('../../shared/store/referrals.js');
  const { stepFor } = await import('../../shared/services/steps/index.js');
  const { putClinic } = await import('../../shared/store/clinics.js');
  const { addSession } = await import('../../shared/services/timetable.js');
  const { serviceReport } = await import('../../shared/services/reporting.js');
  const { summarise, waitersAsOf } = await import('../../shared/domain/waiting-list.js');
  const { nhsNumberCheckDigit } = await import('../../shared/domain/nhs-number.js');

  const { documentClient } = await import('../../shared/store/dynamo.js');
  resetConfig();
  resetDocumentClient();
  // Every request to DynamoDB counted: where a forecast's time goes (BENCHMARKS.md).
  let dynamodbRequests = 0;
  const requestsByCommand: Record<string, number> = {};
  documentClient().middlewareStack.add(
    (next, context) => (args) => {
      dynamodbRequests++;
      const command = context.commandName ?? 'other';
      requestsByCommand[command] = (requestsByCommand[command] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'forecastRequestCount' },
  );
  const time = new VirtualTime(startMs);
  const restoreClock = useClock(time);

  const counts = { sms: 0, staffEmails: 0, emails: 0 };
  const journeys = { succeeded: 0, failed: 0 };
  let running = 0;
  const seed = scenario.seed;
  const chanceFor = new Map<string, Chance>();
  const chance = (referralId: string) => chanceFor.get(referralId)!;
  const planned = new Set<string>();

  const person = (id: string, name: string, role: StaffUser['roles'][number]): StaffUser => ({ id, name, roles: [role] });
  const triageTeam = new Team('Triage clinicians', scenario.staff.triage.people, scenario.staff.triage.rota, startMs);
  const callTeam =
    scenario.staff.calls && new Team('First contact physiotherapists', scenario.staff.calls.people, scenario.staff.calls.rota, startMs);
  const senior = person('forecast-senior', 'Senior clinician (simulated)', 'senior-clinician');
  const clinic = person('forecast-clinic', 'Clinic staff (simulated)', 'clinic-staff');
  const bookingClerk = person('forecast-booking', 'Booking team (simulated)', 'booking-team');

  /** What a link's page is posted with: the signed part of the address. */
  const signed = (url: string) => url.slice(url.lastIndexOf('/') + 1);

  /**
   * Whether the referral still waits on this step. A closed referral keeps its last step's id, and a
   * sighting taken in at the end of a batch may be of a step someone has since finished.
   */
  const waitsOn = (referral: Referral | undefined, kind: StepKind): referral is Referral =>
    referral?.openTask?.kind === kind && stepFor(kind)!.waits.statuses.includes(referral.status);

  /** The open step's link, as its email or worklist gives it to staff: only while the step waits. */
  const staffLink = async (referralId: string, kind: StepKind): Promise<{ link: string; referral: Referral } | undefined> => {
    const referral = await getReferral(referralId);
    return waitsOn(referral, kind) ? { link: signed(await taskLink(referral.openTask!.taskId)), referral } : undefined;
  };

  /**
   * What the simulated people got back that a person would not expect (an expired or used link, a
   * form refused): counted by kind and state, reported, and zero in a sound run (the tests check).
   */
  const unexpected: Record<string, number> = {};
  const expected = <R extends { state: string }>(what: string, referralId: string, result: R, ...states: string[]): R => {
    if (!states.includes(result.state)) {
      const key = `${what}: ${result.state}`;
      unexpected[key] = (unexpected[key] ?? 0) + 1;
      if (process.env.FORECAST_DEBUG)
        console.log(key, referralId, time.now().toISOString(), JSON.stringify((result as { issues?: unknown }).issues ?? ''));
    }
    return result;
  };

  /** A decision as the task-decision handler makes it: only by someone whose role decides that step. */
  const asStaff = async (kind: StepKind, referralId: string, link: string, form: Record<string, string>, user: StaffUser) => {
    if (!mayDecide(user, kind)) throw new Error(`the forecast's ${user.name} may not decide a ${kind} step`);
    return expected(kind, referralId, await submitDecision(link, form, user), 'decided', 'attempt-recorded', 'slot-taken');
  };

  const decide = async (
    kind: StepKind,
    referralId: string,
    user: StaffUser,
    form: (referral: Referral) => Promise<Record<string, string>> | Record<string, string>,
  ) => {
    const open = await staffLink(referralId, kind);
    if (!open) return;
    await asStaff(kind, referralId, open.link, await form(open.referral), user);
  };

  /**
   * Whatever takes or frees a slot runs one at a time, in the order it fell due: two patients after
   * the same slot in one batch get it in the same order every run (the seed's promise), at the cost
   * of bookings not overlapping one another.
   */
  let slotLane: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(work: () => Promise<T>): Promise<T> => {
    const turn = slotLane.then(work);
    slotLane = turn.catch(() => undefined);
    return turn;
  };

  /** The soonest free slot the referral may have (at most three tries if others take it first). */
  const bookSoonest = async (
    attempt: (slot: string) => Promise<'booked' | 'taken' | 'other'>,
    slots: () => Promise<{ slotId: string }[]>,
  ) => {
    for (let i = 0; i < 3; i++) {
      const free = await slots();
      if (!free[0]) return false;
      const result = await attempt(free[Math.min(i, free.length - 1)]!.slotId);
      if (result !== 'taken') return result === 'booked';
    }
    return false;
  };

  /** Plans a person's action once per open step: a reminder re-entering the same wait adds nothing. */
  const once = (key: string, atMs: number, action: () => Promise<unknown>) => {
    if (planned.has(key)) return;
    planned.add(key);
    time.act(atMs, () => {
      planned.delete(key);
      return action();
    });
  };

  /**
   * What people see on their worklists is taken in at the end of each batch, in order of moment
   * (then arrival): which of two steps opened in the same batch finished first in real time must not
   * change who is seen first, or the same seed would give different queues.
   */
  const seen: { at: number; index: number; seq: number; take: () => void }[] = [];
  const indexOf = new Map<string, number>();
  const later = (at: number, referralId: string, take: () => void) =>
    seen.push({ at, index: indexOf.get(referralId) ?? -1, seq: seen.length, take });
  const takeInOrder = () => {
    for (const s of seen.splice(0).sort((a, b) => a.at - b.at || a.index - b.index || a.seq - b.seq)) s.take();
  };

  const onWaiting = (step: { kind?: string; referralId: string }) => {
    const at = time.now().getTime();
    later(at, step.referralId, () => sees(step, at));
  };

  /** Someone sees the step waiting for them (at `at`) and plans when they will act on it. */
  const sees = ({ kind, referralId }: { kind?: string; referralId: string }, at: number) => {
    const c = chance(referralId);
    const key = `${kind}:${referralId}`;
    if (planned.has(key)) return;
    switch (kind) {
      case 'triage': {
        const slot = triageTeam.schedule(at, c.hours(scenario.staff.triage.minutesEach));
        if (!slot) return;
        const clinician = person(`forecast-triage-${slot.by + 1}`, `Triage clinician ${slot.by + 1} (simulated)`, 'triage-clinician');
        return once(key, slot.doneMs, () => decide('triage', referralId, clinician, (referral) => triageForm(referral, c)));
      }
      case 'call':
        planned.add(key);
        return planCall(referralId, at, 1);
      case 'senior-review':
        return once(key, at + hoursToMs(c.hours(scenario.staff.seniorReviewHours)), () =>
          decide('senior-review', referralId, senior, (referral): Record<string, string> =>
            c.chance(scenario.triage.seniorConfirmRate)
              ? { decision: 'confirm', wantsSurgery: 'yes', fitForSurgery: 'yes', reason: 'Simulated review' }
              : {
                  // Declined: the patient does not want surgery (decided with them), back to community care.
                  decision: 'decline',
                  wantsSurgery: 'no',
                  fitForSurgery: 'yes',
                  service: referral.screening!.service,
                  priority: referral.screening!.priority === 'urgent' ? 'urgent' : 'routine',
                },
          ),
        );
      case 'booking':
        return planBooking(referralId, at, c);
      case 'outcome':
        return once(key, at + hoursToMs(c.hours(scenario.staff.outcomeRecordedHours)), () =>
          decide('outcome', referralId, clinic, (referral) => ({
            decision:
              referral.booking && planned.has(`dna:${referral.id}:${referral.booking.start}`)
                ? 'did-not-attend'
                : c.pick(scenario.appointments.outcomes),
          })),
        );
    }
  };

  const triageForm = (referral: Referral, c: Chance): Record<string, string> => {
    const decision = c.pick(scenario.triage.decisions);
    const screening = referral.screening!;
    switch (decision) {
      case 'accept':
        return { decision, service: screening.service, priority: screening.priority === 'urgent' ? 'urgent' : 'routine' };
      case 'redirect': {
        const to = c.chance(scenario.triage.secondaryCareRate) ? REDIRECT_SECONDARY : REDIRECT_COMMUNITY;
        return { decision, destination: to[Math.floor(c.next() * to.length)]! };
      }
      case 'return':
        return { decision, reason: 'Simulated advice for the referrer' };
      default:
        return { decision };
    }
  };

  /** A first contact call attempt: queued for the physiotherapists; unanswered, tried again later. */
  const planCall = (referralId: string, fromMs: number, attempt: number) => {
    const calls = scenario.calls!;
    const c = chance(referralId);
    const answered = c.chance(calls.answerRate);
    const wrong = !answered && c.chance(calls.wrongNumberRate);
    const outcome = answered ? c.pick(calls.outcomes) : undefined;
    const minutes = answered ? c.hours(scenario.staff.calls!.minutesEach) : calls.unansweredMinutes;
    const slot = callTeam?.schedule(fromMs, minutes);
    if (!slot) return;
    const physio = person(`forecast-call-${slot.by + 1}`, `First contact physiotherapist ${slot.by + 1} (simulated)`, 'triage-clinician');
    // In turn with the bookings: a call may book a slot.
    time.act(slot.doneMs, () =>
      inTurn(async () => {
        const open = await staffLink(referralId, 'call');
        if (!open) return planned.delete(`call:${referralId}`);
        const referral = open.referral;
        if (!outcome) {
          const result = await asStaff(
            'call',
            referralId,
            open.link,
            { decision: wrong ? 'wrong-number' : 'no-answer', attempt: String(attempt) },
            physio,
          );
          // Still open after an unanswered attempt: the next once the retry interval has passed.
          if (!wrong && result.state === 'attempt-recorded') {
            const retryAt = time.now().getTime() + config().CALL_RETRY_HOURS * 3_600_000;
            return later(retryAt, referralId, () => planCall(referralId, retryAt, attempt + 1));
          }
          return planned.delete(`call:${referralId}`);
        }
        planned.delete(`call:${referralId}`);
        const form: Record<string, string> = { decision: outcome, note: 'Simulated call' };
        if (outcome === 'senior-review') form.destination = REDIRECT_SECONDARY[Math.floor(c.next() * REDIRECT_SECONDARY.length)]!;
        if (outcome === 'book') {
          const priority = referral.screening!.priority === 'urgent' ? 'urgent' : 'routine';
          const service = referral.screening!.service;
          const booked = await bookSoonest(
            async (slotId) => {
              const result = await asStaff('call', referralId, open.link, { ...form, service, priority, slot: slotId }, physio);
              return result.state === 'decided' ? 'booked' : result.state === 'slot-taken' ? 'taken' : 'other';
            },
            () => choosableSlots(referral, { service, windowEnd: windowEndFor(priority) }),
          );
          if (booked) return planAppointment(referralId, c);
          // Nothing free in the window: the physiotherapist hands it to the booking team instead.
          form.decision = 'triage';
        }
        await asStaff('call', referralId, open.link, form, physio);
      }),
    );
  };

  /**
   * The patient (or, without a mobile, the booking team) books after a delay. Some patients never
   * book from their text: decided once per referral, so a chaser re-entering the step gives them no
   * second draw; the booking team, on the phone, always does. With nothing free to choose, they try
   * again a day later, as long as the step is open. One plan at a time.
   */
  const neverBooks = new Map<string, boolean>();
  const planBooking = (referralId: string, at: number, c: Chance) => {
    const key = `booking:${referralId}`;
    if (planned.has(key)) return;
    planned.add(key);
    const attempt = async (): Promise<void> => {
      const referral = await getReferral(referralId);
      if (!waitsOn(referral, 'booking')) return void planned.delete(key);
      const task = referral.openTask!;
      // The channel the service chose: a text to the patient, or the booking team's worklist (no
      // mobile, opted out, no free slot in the window), who book by phone and beyond the window.
      const byPatient = referral.bookingChannel === 'patient' && Boolean(task.patientLinkId);
      if (byPatient && !neverBooks.has(referralId)) neverBooks.set(referralId, c.chance(scenario.patients.neverBookRate));
      // Left planned: nothing more happens for them until the step closes (unable to contact).
      if (byPatient && neverBooks.get(referralId)) return;
      const link = signed(byPatient ? await patientLink(task.patientLinkId!) : await taskLink(task.taskId));
      const booked = await bookSoonest(
        async (slot) => {
          const result = byPatient
            ? expected('patient booking', referralId, await patientAction(link, { slot }), 'booked', 'slot-taken')
            : await asStaff('booking', referralId, link, { slot }, bookingClerk);
          return result.state === 'booked' || result.state === 'decided' ? 'booked' : result.state === 'slot-taken' ? 'taken' : 'other';
        },
        () => choosableSlots(referral, { anyTime: !byPatient }),
      );
      if (!booked) return time.act(time.now().getTime() + DAY_MS, () => inTurn(attempt));
      planned.delete(key);
      planAppointment(referralId, c);
    };
    time.act(at + hoursToMs(c.hours(scenario.patients.bookAfterHours)), () => inTurn(attempt));
  };

  /** Once booked: the patient may cancel ahead through their link, or not turn up. */
  const planAppointment = (referralId: string, c: Chance) => {
    const cancel = c.chance(scenario.patients.cancelRate);
    const dna = !cancel && c.chance(scenario.patients.didNotAttendRate);
    time.act(time.now().getTime(), async () => {
      const referral = await getReferral(referralId);
      if (!referral?.booking) return;
      if (dna) planned.add(`dna:${referralId}:${referral.booking.start}`);
      if (!cancel || !referral.appointmentLinkId) return;
      const cancelAt = Math.max(time.now().getTime(), Date.parse(referral.booking.start) - scenario.patients.cancelDaysBefore * DAY_MS);
      const link = signed(await patientLink(referral.appointmentLinkId));
      time.act(cancelAt, () =>
        inTurn(async () => expected('patient cancelling', referralId, await patientAction(link, { action: 'cancel' }), 'cancelled')),
      );
    });
  };

  const workflow = new LocalWorkflow({
    retryPauseMs: 0,
    virtualTime: time,
    onWaiting,
    onFinished: (execution) => {
      running--;
      if (execution.status === 'SUCCEEDED') journeys.succeeded++;
      else journeys.failed++;
    },
  });
  resetAdapters();
  installAdapters({
    workflow,
    notifier: {
      sendSms: async () => ({ messageId: `sms-${++counts.sms}` }),
      sendStaffEmail: async () => ({ messageId: `staff-${++counts.staffEmails}` }),
      sendEmail: async () => ({ messageId: `email-${++counts.emails}` }),
      isOptedOut: async () => false,
    },
    linkKeys: staticLinkKeys(`forecast-${seed}-link-key-0123456789abcdef`),
    staffIdentity: localStaffIdentity('forecast-unused-token'),
  });

  try {
    // The clinics and their timetables, made as the service lead's timetable page would.
    for (const c of scenario.clinics) {
      const services = [...new Set(c.sessions.map((s) => s.service))];
      await putClinic(c.id, { name: c.name, address: c.address, postcode: c.postcode, services });
      for (const s of c.sessions)
        for (const weekday of s.days)
          await addSession({
            clinicId: c.id,
            service: s.service,
            clinicianType: s.clinicianType,
            weekday,
            start: s.start,
            end: s.end,
            slotMinutes: s.slotMinutes,
            from: scenario.start,
          });
    }

    // The scheduled functions, at their AWS schedules (infra/stack.ts: cron in UTC), in virtual time.
    // startStalledReferrals is left out: it restarts referrals whose workflow did not start, and here
    // every start either succeeds or stops the run.
    const scheduled = (name: FunctionName, utcHour: number, utcMinute: number, inOrder: boolean) => {
      const run = async () => {
        const handler = await loadHandler(name);
        await (inOrder ? inTurn(() => handler({}, lambdaContext(name))) : handler({}, lambdaContext(name)));
        time.act(time.now().getTime() + DAY_MS, run);
      };
      let first = DateTime.fromMillis(startMs, { zone: 'utc' }).set({ hour: utcHour, minute: utcMinute, second: 0, millisecond: 0 });
      if (first.toMillis() < startMs) first = first.plus({ days: 1 });
      time.act(first.toMillis(), run);
    };
    // The top-up makes slots, so it takes its turn with the bookings (the same seed, the same slots seen).
    scheduled('topUpTimetable', 3, 0, true);
    scheduled('removePersonalData', 2, 30, false);

    // The referrals: each arrives at its moment and is accepted as POST /referrals would accept it.
    const arrivals = arrivalTimes(scenario, startMs, endMs);
    arrivals.forEach((arrival, index) => {
      time.act(arrival.ms, async () => {
        const c = new Chance(seed, 1000 + index);
        const request = referralRequestSchema.parse(referralBody(scenario, arrival.source, index, c, nhsNumberCheckDigit));
        const { referral } = await acceptReferral(request, { clientId: arrival.source === 'gp' ? 'forecast-gp' : 'self-referral' });
        chanceFor.set(referral.id, c);
        indexOf.set(referral.id, index);
        running++;
      });
    });

    let lastProgress = 0;
    let peakRss = process.memoryUsage().rss;
    const onBatch = (frontier: number) => {
      takeInOrder();
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      const wall = performance.now();
      if (wall - lastProgress < 1000) return;
      lastProgress = wall;
      options.onProgress?.({
        simulated: new Date(frontier),
        referrals: arrivals.filter((a) => a.ms <= frontier).length,
        running,
        wallSeconds: (wall - wallStart) / 1000,
      });
    };
    const windowMs = (options.windowMinutes ?? 30) * 60_000;
    await time.advanceTo(endMs, { windowMs, onBatch });
    // Every journey to its end: on until nothing runs (or the run-on limit).
    for (let until = endMs; running > 0 && until < endMs + (options.runOnWeeks ?? RUN_ON_WEEKS) * WEEK_MS;) {
      until += WEEK_MS;
      await time.advanceTo(until, { windowMs, onBatch });
    }
    const finishedMs = time.frontier;

    const { report, records } = await serviceReport({
      from: scenario.start,
      to: DateTime.fromMillis(endMs - 1, { zone: 'Europe/London' }).toISODate()!,
    });
    const waitingLists = weekEnds(startMs, endMs).map((end) => ({
      weekEnding: DateTime.fromMillis(end - 1, { zone: 'Europe/London' }).toISODate()!,
      summary: summarise(waitersAsOf(records, new Date(end - 1)), new Date(end - 1)),
    }));
    workflow.stop();
    const wallSeconds = (performance.now() - wallStart) / 1000;
    return {
      name: scenario.name,
      period: report.period,
      referrals: arrivals.length,
      journeys: { ...journeys, stillRunning: running },
      report,
      weeks: weekRows(report, waitingLists),
      waitingLists,
      staff: [triageTeam, ...(callTeam ? [callTeam] : [])].map((t) => ({
        team: t.name,
        people: t.people,
        items: t.done,
        utilisation: rosteredMs(t, scenario, startMs, finishedMs) ? t.busyMs / rosteredMs(t, scenario, startMs, finishedMs) : null,
      })),
      messages: counts,
      unexpected,
      dynamodbRequests,
      requestsByCommand,
      wallSeconds,
      referralsPerSecond: arrivals.length / wallSeconds,
      peakRssMb: Math.round(peakRss / 1_048_576),
    };
  } finally {
    workflow.stop();
    restoreClock();
    resetAdapters();
    for (const [k, v] of Object.entries(previous))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    resetConfig();
  }
}

/** The moments referrals arrive: GP referrals in surgery hours on weekdays, self-referrals any day 07:00–22:00. */
export function arrivalTimes(scenario: Scenario, startMs: number, endMs: number): { ms: number; source: 'gp' | 'self' }[] {
  const c = new Chance(scenario.seed, 1);
  const arrivals: { ms: number; source: 'gp' | 'self' }[] = [];
  for (let day = DateTime.fromMillis(startMs, { zone: 'Europe/London' }); day.toMillis() < endMs; day = day.plus({ days: 1 })) {
    const season = scenario.referrals.seasonal?.[day.month - 1] ?? 1;
    for (const source of ['gp', 'self'] as const) {
      const weekly = scenario.referrals.perWeek[source] * season * scenario.referrals.demand;
      const weekday = day.weekday <= 5;
      if (source === 'gp' && !weekday) continue;
      const perDay = source === 'gp' ? weekly / 5 : weekly / 7;
      const [open, close] = source === 'gp' ? [8, 18.5] : [7, 22];
      const openMs = day
        .set({ hour: 0 })
        .plus({ minutes: open * 60 })
        .toMillis();
      const lengthMs = (close - open) * 3_600_000;
      if (scenario.referrals.pattern === 'even') {
        // The day's share, rounded, each in the middle of its equal part of the day.
        const n = Math.round(perDay);
        for (let k = 0; k < n; k++) arrivals.push({ ms: Math.round(openMs + ((k + 0.5) * lengthMs) / n), source });
        continue;
      }
      // Poisson arrivals: exponential gaps at the day's rate.
      for (let t = c.exponential(lengthMs / perDay); t < lengthMs; t += c.exponential(lengthMs / perDay))
        arrivals.push({ ms: Math.round(openMs + t), source });
    }
  }
  return arrivals.sort((a, b) => a.ms - b.ms);
}

/** A made-up referral of the scenario's mix: a valid NHS number, a fictional mobile (Ofcom's drama range). */
function referralBody(
  scenario: Scenario,
  source: 'gp' | 'self',
  index: number,
  c: Chance,
  checkDigit: (firstNine: string) => number | null,
): Record<string, unknown> {
  const r = scenario.referrals;
  let nhsNumber = '';
  for (let n = index; !nhsNumber; n++) {
    const first = String(900_000_000 + (n % 99_999_999));
    const digit = checkDigit(first);
    if (digit !== null) nhsNumber = `${first}${digit}`;
  }
  const redFlags = c.chance(r.emergencyRate) ? ['saddle-anaesthesia'] : c.chance(r.urgentRate) ? ['recent-trauma'] : [];
  const severe = c.chance(r.severeLongPainRate);
  const long = severe || c.chance(r.longStandingRate);
  // Of the rest of the long-standing, some with severe pain (orthopaedic triage for large joints).
  const painful = long && !severe && c.chance(0.4);
  const practice = Math.floor(c.next() * r.practices);
  return {
    source,
    ...(source === 'gp'
      ? {
          referrer: {
            odsCode: `P9${String(practice + 1).padStart(4, '0')}`,
            name: 'Dr Forecast',
            email: `practice${practice + 1}@example.nhs.uk`,
          },
        }
      : {}),
    patient: {
      nhsNumber,
      givenName: 'Simulated',
      familyName: `Patient ${index + 1}`,
      dateOfBirth: '1970-01-01',
      ...(c.chance(r.mobileRate) ? { mobile: `07700 900${String(index % 1000).padStart(3, '0')}` } : {}),
      ...(c.chance(r.landlineRate) ? { phone: `01632 960${String(index % 1000).padStart(3, '0')}` } : {}),
      postcode: 'PR7 1AA',
    },
    complaint: {
      bodySite: c.pick(r.bodySites),
      summary: 'Simulated referral for a capacity forecast',
      durationWeeks: long ? 26 : 6,
      painScore: severe ? 8 : painful ? 7 : 5,
    },
    redFlags,
  };
}

function weekEnds(startMs: number, endMs: number): number[] {
  const ends: number[] = [];
  for (let d = DateTime.fromMillis(startMs, { zone: 'Europe/London' }).plus({ weeks: 1 }); d.toMillis() <= endMs; d = d.plus({ weeks: 1 }))
    ends.push(d.toMillis());
  return ends;
}

const shareOf = (s: { count: number; of: number }) => (s.of ? s.count / s.of : null);

function weekRows(report: Report, waitingLists: RunResult['waitingLists']): WeekRow[] {
  const byWeekEnding = new Map(waitingLists.map((l) => [l.weekEnding, l.summary]));
  return report.weeks.map((w) => {
    const list = byWeekEnding.get(DateTime.fromISO(w.weekStarting).plus({ days: 6 }).toISODate()!);
    const over4 = list ? list.total.total - list.total.weeks0to1 - list.total.weeks1to2 - list.total.weeks2to4 : 0;
    return {
      weekStarting: w.weekStarting,
      received: w.referralsReceived.total,
      triagedWithin24Hours: shareOf(w.triagedWithin24Hours),
      medianHoursToTriage: w.hoursToTriage.median,
      routineSeenWithin4Weeks: shareOf(w.routineSeenWithin4Weeks),
      urgentSeenWithin5Days: shareOf(w.urgentSeenWithin5Days),
      firstContactWithinTarget: shareOf(w.firstContactWithinTarget),
      didNotAttendRate: shareOf(w.didNotAttendRate),
      waiting: list?.total.total ?? 0,
      waitingOver4Weeks: over4,
    };
  });
}

/** The hours the team was rostered over the run (for utilisation). */
function rosteredMs(team: Team, scenario: Scenario, startMs: number, endMs: number): number {
  const rota = team.name.startsWith('Triage') ? scenario.staff.triage.rota : (scenario.staff.calls?.rota ?? []);
  let total = 0;
  for (
    let day = DateTime.fromMillis(startMs, { zone: 'Europe/London' }).startOf('day');
    day.toMillis() < endMs;
    day = day.plus({ days: 1 })
  )
    for (const s of rota)
      if (s.days.includes(day.weekday)) {
        const [sh, sm] = s.start.split(':').map(Number);
        const [eh, em] = s.end.split(':').map(Number);
        total += (eh! * 60 + em! - (sh! * 60 + sm!)) * 60_000;
      }
  return total * team.people;
}
