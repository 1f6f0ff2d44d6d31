/**
 * The patient's questionnaire page, from the link in their text: mobile first, no JavaScript,
 * every question optional. It names no condition and shows nothing of the referral but, at
 * follow-up, the activities the patient named themselves at baseline.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';

import { config } from '../config.js';
import type { FieldIssue } from '../domain/field-issues.js';
import { fieldName, type Questionnaire, type QuestionnaireItem, type Timepoint } from '../domain/questionnaires.js';
import { errorSummary, fieldError, groupClass, html, messagePage, page, type SafeHtml } from './html.js';

const HEADINGS: Record<Timepoint, string> = {
  baseline: 'How you are before treatment',
  'follow-up': 'How you are now, and your experience',
};

/** The hint and error a field is described by, as an attribute (none without either). */
function describedBy(issues: FieldIssue[], name: string, hint?: string): SafeHtml | '' {
  const ids = [...(hint ? [`${name}-hint`] : []), ...(issues.some((i) => i.path === name) ? [`${name}-error`] : [])];
  return ids.length ? html` aria-describedby="${ids.join(' ')}"` : '';
}

function itemField(
  q: Questionnaire,
  item: QuestionnaireItem,
  values: Record<string, string>,
  issues: FieldIssue[],
  fixed: Record<string, string>,
): SafeHtml {
  const name = fieldName(q, item);
  const value = values[name] ?? '';
  // An activity named at baseline is rated again by that name: shown, not asked. When the baseline
  // named any, only those are rated (the change compares the same activities).
  if (item.type === 'string' && fixed[name]) return html`<p class="nhsuk-body"><strong>${item.text}:</strong> ${fixed[name]}</p>`;
  const activity = /^activity-(\d)/.exec(item.linkId)?.[1];
  if (q.id === 'psfs' && activity && Object.keys(fixed).length && !fixed[`psfs.activity-${activity}`]) return html``;
  if (item.type === 'string') {
    const hint = item.hint;
    const long = item.maxLength > 200;
    return html`<div class="${groupClass(issues, name)}">
<label class="nhsuk-label" for="${name}">${item.text} (optional)</label>
${hint ? html`<div class="nhsuk-hint" id="${name}-hint">${hint}</div>` : ''}
${fieldError(issues, name)}
${
  long
    ? html`<textarea class="nhsuk-textarea" id="${name}" name="${name}" rows="4" maxlength="${item.maxLength}"${describedBy(
        issues,
        name,
        hint,
      )}>${value}</textarea>`
    : html`<input class="nhsuk-input" id="${name}" name="${name}" type="text" value="${value}" maxlength="${item.maxLength}"
 autocomplete="off"${describedBy(issues, name, hint)}>`
}
</div>`;
  }
  const options = optionsOf(item);
  const hint = item.type === 'integer' ? `${item.minLabel}, ${item.maxLabel}.` : undefined;
  return html`<div class="${groupClass(issues, name)}">
<fieldset class="nhsuk-fieldset" id="${name}"${describedBy(issues, name, hint)}>
<legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">${item.text}</legend>
${hint ? html`<div class="nhsuk-hint" id="${name}-hint">${hint}</div>` : ''}
${fieldError(issues, name)}
<div class="nhsuk-radios">
${options.map((o) => {
  const id = `${name}-${o.code}`;
  return html`<div class="nhsuk-radios__item"><input class="nhsuk-radios__input" id="${id}" name="${name}" type="radio"
 value="${o.code}"${o.code === value ? html` checked` : ''}${o.hint ? html` aria-describedby="${id}-hint"` : ''}>
<label class="nhsuk-label nhsuk-radios__label" for="${id}">${o.display}</label>
${o.hint ? html`<div class="nhsuk-hint nhsuk-radios__hint" id="${id}-hint">${o.hint}</div>` : ''}</div>`;
})}
</div></fieldset></div>`;
}

/**
 * A field's answers: a choice's options, or a scale's numbers. A scale is one number under another
 * at every width (inline radios wrap a 0 to 10 scale over two rows on a tablet or a laptop, 7 under
 * 0, which reads as a grid), so its two ends say what they mean beside them as well as above.
 */
function optionsOf(item: Exclude<QuestionnaireItem, { type: 'string' }>): { code: string; display: string; hint?: string }[] {
  if (item.type === 'choice') return item.options.map((o) => ({ code: o.code, display: o.display }));
  return Array.from({ length: item.max - item.min + 1 }, (_, i) => {
    const n = item.min + i;
    const hint = n === item.min ? item.minLabel : n === item.max ? item.maxLabel : undefined;
    return { code: String(n), display: String(n), ...(hint ? { hint } : {}) };
  });
}

/**
 * Where the error summary's link for a field goes: a question answered by radios links to its first
 * radio (the NHS.UK pattern), which can take focus, rather than to its fieldset, which cannot.
 */
function summaryTarget(questionnaires: Questionnaire[], path: string): string {
  for (const q of questionnaires)
    for (const item of q.items) if (fieldName(q, item) === path && item.type !== 'string') return `${path}-${optionsOf(item)[0]!.code}`;
  return path;
}

/**
 * The questions for a timepoint, in one form. `link`: the patient's link, which the form posts back
 * to by name, so that the fragment a summary link added (`#pain.pain-0`) is not carried into the
 * next page: a browser scrolls to and focuses a fragment's target in place of the error summary.
 * `values`: what was posted (kept after an error). `fixed`: at follow-up, the PSFS activities
 * named at baseline, shown by name to be rated again.
 */
export function questionnairePage(
  timepoint: Timepoint,
  questionnaires: Questionnaire[],
  link: string,
  values: Record<string, string> = {},
  issues: FieldIssue[] = [],
  statusCode = 200,
  fixed: Record<string, string> = {},
): APIGatewayProxyResult {
  const heading = HEADINGS[timepoint];
  return page({
    statusCode,
    title: issues.length ? `Error: ${heading}` : heading,
    content: html`${errorSummary(
      issues.map((i) => ({ ...i, path: summaryTarget(questionnaires, i.path) })),
      { autofocus: true },
    )}
<h1>${heading}</h1>
<p>${config().SERVICE_NAME} asks everyone it sees these questions, to learn whether its care helps.
Every question is optional, and your answers do not change your care${timepoint === 'baseline' ? ' or your appointment' : ''}.</p>
<div class="nhsuk-inset-text"><span class="nhsuk-u-visually-hidden">Information: </span>
<p>Nobody reads these answers straight away. If your symptoms get worse or you have new symptoms, contact your GP practice or call 111.
In an emergency, call 999.</p></div>
<form method="post" action="./${encodeURIComponent(link)}" novalidate>
${questionnaires.map(
  (q) => html`<h2>${q.title}</h2>
<p>${q.intro}</p>
${q.items.map((item) => itemField(q, item, values, issues, fixed))}`,
)}
<button class="nhsuk-button" type="submit">Send my answers</button>
</form>`,
  });
}

export function answeredPage(timepoint: Timepoint): APIGatewayProxyResult {
  return messagePage(
    200,
    'Thank you for your answers',
    timepoint === 'baseline'
      ? 'We will ask you again after your treatment, to see what has changed. You do not need to do anything else.'
      : 'Your answers help us improve the service for everyone. You do not need to do anything else.',
  );
}

/** A questionnaire link that cannot be used again, or has closed. */
export function closedQuestionnairePage(state: 'used' | 'expired'): APIGatewayProxyResult {
  return state === 'used'
    ? messagePage(409, 'You have already answered', 'Thank you. Each questionnaire can be answered once.')
    : messagePage(
        410,
        'This questionnaire has closed',
        'Questionnaires are open for a few weeks, and the one before treatment closes when treatment starts. Thank you all the same.',
      );
}
