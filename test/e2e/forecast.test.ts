/**
 * The capacity forecast against answers worked out by hand, through the real workflow (the ASL
 * file, the handlers, DynamoDB Local) in virtual time; and a seed that makes a run repeatable.
 */
import { randomUUID } from 'node:crypto';

import { describe, expect, inject, it } from 'vitest';

import { parseScenario, type Scenario } from '../../local/forecast/scenario.js';
import { runScenario } from '../../local/forecast/simulation.js';

const run = (scenario: Scenario, weeks?: number) =>
  runScenario(scenario, { endpoint: inject('dynamodbEndpoint'), tableName: `forecast-${randomUUID()}`, weeks, runOnWeeks: 2 });

/**
 * One triage clinician, on Monday to Friday 09:00–17:00, two hours a referral, and four GP referrals
 * a weekday arriving evenly over the referring day (08:00–18:30: one every 157.5 minutes, the first
 * half a gap in) at 09:18:45, 11:56:15, 14:33:45 and 17:11:15. Everyone is advised on self-management,
 * so each journey ends at triage.
 */
const oneClinician = (): Scenario =>
  parseScenario({
    name: 'One triage clinician',
    start: '2027-01-04', // a Monday, in GMT
    weeks: 1,
    // Knees of six weeks' moderate pain: physiotherapy, routine.
    referrals: {
      perWeek: { gp: 20, self: 0 },
      pattern: 'even',
      urgentRate: 0,
      emergencyRate: 0,
      bodySites: { knee: 1 },
      longStandingRate: 0,
      severeLongPainRate: 0,
    },
    staff: { triage: { people: 1, minutesEach: 120, rota: [{ days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' }] } },
    triage: { decisions: { 'self-management': 1 } },
    patients: { bookAfterHours: 1, neverBookRate: 0, didNotAttendRate: 0, cancelRate: 0 },
    appointments: { outcomes: { 'attended-discharged': 1 } },
    clinics: [
      {
        id: 'test-clinic',
        name: 'Test Clinic',
        address: '1 High Street, Preston',
        postcode: 'PR1 1AA',
        sessions: [
          { service: 'physiotherapy', clinicianType: 'physiotherapist', days: [1], start: '09:00', end: '10:00', slotMinutes: 60 },
        ],
      },
    ],
  });

describe('the capacity forecast', () => {
  it('gives the triage waits worked out by hand for one clinician, a fixed rate and fixed arrivals', async () => {
    const result = await run(oneClinician());
    // Monday: the first three are triaged two hours after they arrive (2, 2, 2); the fourth arrives
    // after 17:00 and waits until 09:00 Tuesday, done at 11:00 (17 h 48 m 45 s = 17.8125 h).
    // Tuesday to Thursday: the 09:18:45 referral waits for that until 11:00, done 13:00 (3.6875 h);
    // 11:56:15 is done 15:00 (3.0625 h); 14:33:45 is done 17:00 (2.4375 h); 17:11:15 as Monday's.
    // Friday's last waits the weekend: done Monday 11:00, 65.8125 h, the only one over 24 hours.
    // Sorted, the 20 waits are 2 ×3, 2.4375 ×4, 3.0625 ×4, 3.6875 ×4, 17.8125 ×4, 65.8125: the
    // median is the 10th and 11th, both 3.0625, and the 95th centile the 19th, 17.8125; the
    // dashboard shows hours to one decimal place.
    const { overall } = result.report;
    expect(overall.referralsReceived).toEqual({ total: 20, gp: 20, self: 0 });
    expect(overall.triagedWithin24Hours).toMatchObject({ count: 19, of: 20, pending: 0 });
    expect(overall.hoursToTriage).toEqual({ decided: 20, median: 3.1, p95: 17.8 });
    expect(overall.decisions.selfManagement).toBe(20);
    expect(result.journeys).toEqual({ succeeded: 20, failed: 0, stillRunning: 0 });
    // 20 triages of two hours in 40 rostered hours, and in the week by week figures.
    expect(result.staff[0]).toMatchObject({ team: 'Triage clinicians', people: 1, items: 20 });
    expect(result.weeks).toEqual([expect.objectContaining({ weekStarting: '2027-01-04', received: 20, triagedWithin24Hours: 0.95 })]);
    expect(result.unexpected).toEqual({});
  }, 120_000);

  it('books patients into the soonest slot and records the outcome, every journey to its end', async () => {
    // One referral a weekday (13:15), accepted by a clinician free at once (an hour's triage: 14:15);
    // the patient books an hour after the text (15:15) into the one slot a day (09:00–09:45, Monday
    // to Friday): the next morning's. Seen within 4 weeks, all 5.
    const scenario = oneClinician();
    scenario.referrals.perWeek.gp = 5;
    scenario.staff.triage.minutesEach = 60;
    scenario.triage.decisions = { accept: 1 };
    scenario.clinics[0]!.sessions = [
      { service: 'physiotherapy', clinicianType: 'physiotherapist', days: [1, 2, 3, 4, 5], start: '09:00', end: '09:45', slotMinutes: 45 },
    ];
    const result = await run(scenario);
    const { overall } = result.report;
    expect(overall.hoursToTriage).toEqual({ decided: 5, median: 1, p95: 1 });
    expect(overall.routineSeenWithin4Weeks).toMatchObject({ count: 5, of: 5 });
    expect(overall.decisions.accepted).toEqual({ physiotherapy: 5 });
    expect(result.journeys).toEqual({ succeeded: 5, failed: 0, stillRunning: 0 });
    // Every text the simulated patients were sent is one the figures count (each is on its timeline).
    expect(overall.smsPerBookedAppointment).toMatchObject({ bookedAppointments: 5, sms: result.messages.sms });
    expect(overall.didNotAttendRate).toMatchObject({ count: 0, of: 5 });
    expect(result.unexpected).toEqual({});
  }, 120_000);

  it("decides once whether a patient never books: the chasers' texts do not give them another chance", async () => {
    // 40 accepted within the week, half never booking from their text: the other half book an hour
    // after it, before the first chaser (3 days). Were the choice drawn again at each chaser (twice),
    // only about an eighth would end unable to contact; decided once, about half do (20 ± 3 by the
    // binomial; the seed's draw). Patients without a mobile are booked by the team, who always book.
    const scenario = oneClinician();
    scenario.referrals.perWeek.gp = 40;
    scenario.staff.triage = { people: 4, minutesEach: 5, rota: scenario.staff.triage.rota };
    scenario.triage.decisions = { accept: 1 };
    scenario.patients.neverBookRate = 0.5;
    scenario.clinics[0]!.sessions = [
      { service: 'physiotherapy', clinicianType: 'physiotherapist', days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00', slotMinutes: 30 },
    ];
    const result = await run(scenario);
    const { unableToContactRate, routineSeenWithin4Weeks } = result.report.overall;
    expect(unableToContactRate.of).toBe(40);
    expect(unableToContactRate.count).toBeGreaterThanOrEqual(12);
    expect(unableToContactRate.count).toBeLessThanOrEqual(28);
    expect(routineSeenWithin4Weeks.count).toBe(40 - unableToContactRate.count);
    expect(result.journeys).toEqual({ succeeded: 40, failed: 0, stillRunning: 0 });
    expect(result.unexpected).toEqual({});
  }, 120_000);

  it('has the booking team book the referrals on its worklist, beyond the window, even when no patient would book', async () => {
    // A one-day routine window and clinics only on Mondays: no accepted referral has a slot in its
    // window, so each goes to the booking team's worklist (no text), and the team books the next
    // Monday by phone. Patients who never book from a text do not come into it.
    const scenario = oneClinician();
    scenario.referrals.perWeek.gp = 5;
    scenario.staff.triage.minutesEach = 60;
    scenario.triage.decisions = { accept: 1 };
    scenario.patients.neverBookRate = 1;
    scenario.settings = { ROUTINE_WINDOW_DAYS: 1 };
    scenario.clinics[0]!.sessions = [
      { service: 'physiotherapy', clinicianType: 'physiotherapist', days: [1], start: '09:00', end: '12:00', slotMinutes: 60 },
    ];
    const result = await run(scenario);
    const { overall } = result.report;
    expect(overall.unableToContactRate).toMatchObject({ count: 0, of: 5 });
    expect(overall.didNotAttendRate).toMatchObject({ count: 0, of: 5 }); // all five seen
    expect(overall.routineSeenWithin4Weeks.count).toBe(0); // outside their (one-day) window
    expect(result.journeys).toEqual({ succeeded: 5, failed: 0, stillRunning: 0 });
    expect(result.unexpected).toEqual({});
  }, 120_000);

  it("makes only decisions the service accepts: redirections to secondary care, the senior's confirmations and declines", async () => {
    // Every referral redirected to secondary care, so every one reaches a senior review; the senior
    // confirms half. A form the service refused would be counted as unexpected (and fail here).
    const scenario = oneClinician();
    scenario.triage = { decisions: { redirect: 1 }, secondaryCareRate: 1, seniorConfirmRate: 0.5 };
    const result = await run(scenario);
    const { surgeryScreening, decisions } = result.report.overall;
    expect(result.unexpected).toEqual({});
    expect(surgeryScreening.reviewed).toBe(20);
    // Those confirmed go on to secondary care; those declined are accepted for community care.
    expect(decisions.secondaryCare).toBe(surgeryScreening.referred);
    expect(Object.values(decisions.accepted).reduce((a, b) => a + b, 0)).toBe(surgeryScreening.notWanted);
    expect(surgeryScreening.referred + surgeryScreening.notWanted).toBe(20);
    expect(surgeryScreening.referred).toBeGreaterThan(0);
    expect(surgeryScreening.notWanted).toBeGreaterThan(0);
  }, 120_000);

  it('gives the same figures for the same seed, with calls, bookings, cancellations and missed appointments', async () => {
    const scenario = oneClinician();
    scenario.referrals.pattern = 'random';
    scenario.referrals.perWeek = { gp: 30, self: 10 };
    scenario.staff.triage.minutesEach = { median: 30, p90: 90 };
    scenario.triage.decisions = { 'self-management': 1, return: 1, accept: 2 };
    // Self-referrals phoned first; patients booking, cancelling and missing appointments.
    scenario.settings = { FIRST_CONTACT_CALL: 'self' };
    scenario.staff.calls = { people: 1, minutesEach: 20, rota: [{ days: [1, 2, 3, 4, 5], start: '09:00', end: '12:00' }] };
    scenario.calls = {
      answerRate: 0.6,
      wrongNumberRate: 0,
      unansweredMinutes: 3,
      outcomes: { book: 2, 'self-management': 1, triage: 1 },
    };
    scenario.patients = {
      bookAfterHours: { median: 3, p90: 20 },
      neverBookRate: 0.1,
      didNotAttendRate: 0.2,
      cancelRate: 0.2,
      cancelDaysBefore: 1,
    };
    scenario.clinics[0]!.sessions = [
      { service: 'physiotherapy', clinicianType: 'physiotherapist', days: [1, 2, 3, 4, 5], start: '09:00', end: '12:00', slotMinutes: 30 },
    ];
    const [a, b] = [await run(scenario), await run(scenario)];
    expect(a.report.overall.routineSeenWithin4Weeks.of).toBeGreaterThan(5);
    expect(a.report.overall.callOutcomes.calls).toBeGreaterThan(3);
    expect(a.referrals).toBeGreaterThan(20);
    expect(b.report.overall).toEqual(a.report.overall);
    expect(b.weeks).toEqual(a.weeks);
    expect(b.waitingLists).toEqual(a.waitingLists);
    expect(a.unexpected).toEqual({});
  }, 240_000);
});
