/** The dashboard's figures and the audit trail, read from the referrals' stored timelines. */
import { now } from '../clock.js';
import { config } from '../config.js';
import { buildReport, type Period, periodBounds, type ReferralRecord, type Report } from '../domain/figures.js';
import { REFERRAL_STATUSES } from '../domain/vocabulary.js';
import { getReferralsWithTimelines, referralsInStatus } from '../store/referrals.js';
import { waitingListAsOf } from './waiting-list.js';

/** Every referral received in [start, end) with its timeline. */
export async function referralsReceived(start: string, end: string): Promise<ReferralRecord[]> {
  const ids: string[] = [];
  for (const status of REFERRAL_STATUSES) {
    for await (const page of referralsInStatus(status, { from: start, before: end })) ids.push(...page.map((r) => r.id));
  }
  const records: ReferralRecord[] = await getReferralsWithTimelines(ids);
  return records.sort((a, b) => a.referral.receivedAt.localeCompare(b.referral.receivedAt) || a.referral.id.localeCompare(b.referral.id));
}

export async function serviceReport(period: Period): Promise<{ report: Report; records: ReferralRecord[] }> {
  const { start, end } = periodBounds(period);
  const records = await referralsReceived(start, end);
  const rules = {
    triageSlaHours: config().TRIAGE_SLA_HOURS,
    urgentWindowDays: config().URGENT_WINDOW_DAYS,
    routineWindowDays: config().ROUTINE_WINDOW_DAYS,
    firstContactHours: config().FIRST_CONTACT_HOURS,
    firstContactTargetPercent: config().FIRST_CONTACT_TARGET_PERCENT,
    meaningfulChange: config().MEANINGFUL_CHANGE,
    fftTargetPercent: config().FFT_TARGET_PERCENT,
  };
  const report = buildReport(records, period, now(), rules);
  // As of the period's last moment, or now while the period runs.
  const last = new Date(Date.parse(end) - 1);
  report.waitingList = (await waitingListAsOf(last < now() ? last : undefined)).summary;
  return { report, records };
}
