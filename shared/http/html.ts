/**
 * Server-rendered pages. Every interpolated value is escaped (html-escaper) unless it is already
 * SafeHtml built by this same tag, so patient-supplied text can never become markup.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { escape } from 'html-escaper';

import { config } from '../config.js';
import type { FieldIssue } from '../domain/field-issues.js';

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escape(String(value));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((value, i) => (out += render(value) + strings[i + 1]!));
  return new SafeHtml(out);
}

export const STYLESHEET_PATH = '/assets/nhsuk-frontend.min.css';

export interface PageOptions {
  title: string;
  content: SafeHtml;
  statusCode?: number;
}

/**
 * A whole page in the NHS.UK frontend style. No script: everything works without JavaScript.
 * The links in these pages are capabilities, so nothing is cached and no referrer is sent.
 */
export function page({ title, content, statusCode = 200 }: PageOptions): APIGatewayProxyResult {
  const base = config().PUBLIC_BASE_URL;
  const body = html`<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${title} – ${config().SERVICE_NAME}</title>
<link rel="stylesheet" href="${base}${STYLESHEET_PATH}">
</head>
<body>
<a class="nhsuk-skip-link" href="#maincontent">Skip to main content</a>
<header class="nhsuk-header" role="banner">
  <div class="nhsuk-header__container nhsuk-width-container">
    <div class="nhsuk-header__service"><span class="nhsuk-header__service-name">${config().SERVICE_NAME}</span></div>
  </div>
</header>
<div class="nhsuk-width-container">
<main class="nhsuk-main-wrapper" id="maincontent" role="main">
${content}
</main>
</div>
</body>
</html>`;
  return {
    statusCode,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Content-Security-Policy':
        "default-src 'none'; style-src 'self' " +
        new URL(base).origin +
        "; img-src 'self' data:; font-src https://assets.nhs.uk; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    },
    body: body.value,
  };
}

/** A page that only says something (expired link, already decided, not found...). */
export function messagePage(statusCode: number, title: string, message: SafeHtml | string): APIGatewayProxyResult {
  return page({ statusCode, title, content: html`<h1>${title}</h1><p>${message}</p>` });
}

/** An NHS.UK table: a caption, a header row, and a row per item. */
export function table(head: string[], rows: (SafeHtml | string | number)[][], caption: string): SafeHtml {
  return html`<table class="nhsuk-table"><caption class="nhsuk-table__caption">${caption}</caption>
<thead class="nhsuk-table__head"><tr>${head.map((h) => html`<th scope="col" class="nhsuk-table__header">${h}</th>`)}</tr></thead>
<tbody class="nhsuk-table__body">
${rows.map((r) => html`<tr class="nhsuk-table__row">${r.map((c) => html`<td class="nhsuk-table__cell">${c}</td>`)}</tr>`)}
</tbody>
</table>`;
}

/**
 * The NHS.UK error summary at the top of a form, linking to each field at fault. `autofocus`: the
 * browser moves focus to it as the page loads, as NHS.UK frontend's script would (these pages have
 * none), so that keyboard and screen reader users start from the list of problems.
 */
export function errorSummary(issues: FieldIssue[], options: { autofocus?: boolean } = {}): SafeHtml | '' {
  if (!issues.length) return '';
  return html`<div class="nhsuk-error-summary" aria-labelledby="error-summary-title" role="alert" tabindex="-1"${
    options.autofocus ? html` autofocus` : ''
  }>
<h2 class="nhsuk-error-summary__title" id="error-summary-title">There is a problem</h2>
<div class="nhsuk-error-summary__body"><ul class="nhsuk-list nhsuk-error-summary__list">
${issues.map((i) => html`<li><a href="#${i.path}">${i.message}</a></li>`)}
</ul></div></div>`;
}

/** A field's error message, beside the field (NHS.UK pattern), when it has one. */
export function fieldError(issues: FieldIssue[], name: string): SafeHtml | '' {
  const issue = issues.find((i) => i.path === name);
  return issue
    ? html`<span class="nhsuk-error-message" id="${name}-error"><span class="nhsuk-u-visually-hidden">Error:</span> ${issue.message}</span>`
    : '';
}

/** The form group's class: marked in error when the field has an issue. */
export function groupClass(issues: FieldIssue[], name: string): string {
  return issues.some((i) => i.path === name) ? 'nhsuk-form-group nhsuk-form-group--error' : 'nhsuk-form-group';
}
