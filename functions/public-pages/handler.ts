/** GET /self-care, GET /assets/{file} and GET /openapi.json: pages and files anyone may open; no patient data. */
import openApi from '../../docs/openapi.json' with { type: 'json' };
import { html, messagePage, page } from '../../shared/http/html.js';
import { pageHandler } from '../../shared/http/pages.js';
import { type AssetName, readAsset, STATIC_ASSETS } from '../../shared/http/static-assets.js';

const NHS = 'https://www.nhs.uk';

const SELF_CARE = [
  ['Back pain', `${NHS}/conditions/back-pain/`],
  ['Neck pain', `${NHS}/conditions/neck-pain/`],
  ['Shoulder pain', `${NHS}/conditions/shoulder-pain/`],
  ['Hip pain', `${NHS}/conditions/hip-pain/`],
  ['Knee pain', `${NHS}/conditions/knee-pain/`],
  ['Foot pain', `${NHS}/conditions/foot-pain/`],
  ['Hand and wrist pain', `${NHS}/conditions/hand-pain/`],
  ['Exercises for strength and flexibility', `${NHS}/live-well/exercise/`],
] as const;

function selfCarePage() {
  return page({
    title: 'Looking after muscle and joint problems',
    content: html`<h1>Looking after muscle and joint problems</h1>
<p>Most muscle and joint problems get better with time, keeping active and simple self-care.
These NHS pages explain what helps, with exercises you can start now.</p>
<ul class="nhsuk-list nhsuk-list--bullet">${SELF_CARE.map(([label, href]) => html`<li><a href="${href}">${label}</a></li>`)}</ul>
<div class="nhsuk-warning-callout">
<h2 class="nhsuk-warning-callout__label">
<span role="text"><span class="nhsuk-u-visually-hidden">Important: </span>Get help urgently</span>
</h2>
<p>Call 999 or go to A&amp;E if you have back pain with numbness around your bottom or genitals,
problems peeing or pooing, or weakness in your legs that is getting worse.</p>
<p>Call 111 or your GP if the pain is getting worse, you have a high temperature, or you are worried.</p></div>`,
  });
}

/** The checked-in contract (`npm run openapi`), bundled into the function. */
const OPENAPI_JSON = JSON.stringify(openApi);

export const handler = pageHandler(async (event) => {
  if (event.resource === '/self-care') return selfCarePage();
  if (event.resource === '/openapi.json') {
    const headers = {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'public, max-age=300',
      'X-Content-Type-Options': 'nosniff',
    };
    return { statusCode: 200, headers, body: OPENAPI_JSON };
  }
  const name = event.pathParameters?.file ?? '';
  if (!Object.hasOwn(STATIC_ASSETS, name)) return messagePage(404, 'Page not found', 'There is nothing at this address.');
  const asset = name as AssetName;
  return {
    statusCode: 200,
    headers: {
      'Content-Type': STATIC_ASSETS[asset].contentType,
      'Cache-Control': 'public, max-age=86400',
      'X-Content-Type-Options': 'nosniff',
    },
    // Text, so that API Gateway needs no binary media types; it compresses it on the way out.
    body: readAsset(asset).toString('utf8'),
  };
});
