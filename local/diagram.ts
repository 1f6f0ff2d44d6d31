/**
 * A Mermaid diagram of the workflow, generated from the ASL file so that it cannot go stale
 * (`npm run diagram` writes statemachines/referral.md; a test checks it is current). Every Task's
 * catch-all to RecordFailure is left out, and said once in the text, so the journey stays readable.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ASL_FILE, type AslDefinition, type AslState } from './definition.js';

export const DIAGRAM_FILE = resolve(ASL_FILE, '..', 'referral.md');

type Choice = { Next: string; Variable?: string; [comparison: string]: unknown };

/** What a Choice rule tests, as a short edge label (`priority = emergency`). */
function ruleLabel(rule: Choice): string {
  const field =
    String(rule.Variable ?? '')
      .split('.')
      .at(-1) ?? '';
  const [, value] = Object.entries(rule).find(([key]) => /Equals$|Than/.test(key)) ?? [];
  return `${field} = ${String(value)}`;
}

function edges(name: string, state: AslState): string[] {
  const lines: string[] = [];
  const to = (next: string, label?: string) => lines.push(`  ${name} --> ${next}${label ? `: ${label}` : ''}`);
  for (const rule of (state.Choices ?? []) as Choice[]) to(rule.Next, ruleLabel(rule));
  if (state.Default) to(state.Default, 'otherwise');
  if (state.Next) to(state.Next);
  for (const c of (state.Catch ?? []) as { ErrorEquals: string[]; Next: string }[])
    if (!c.ErrorEquals.includes('States.ALL')) to(c.Next, c.ErrorEquals.join(', ').replace('States.Timeout', 'timer fires'));
  if (state.Type === 'Succeed' || state.Type === 'Fail' || state.End) lines.push(`  ${name} --> [*]`);
  return lines;
}

export function mermaidDiagram(definition: AslDefinition): string {
  const states = Object.entries(definition.States);
  const body = [
    'stateDiagram-v2',
    `  [*] --> ${definition.StartAt}`,
    ...states.filter(([, s]) => s.Type === 'Choice').map(([name]) => `  state ${name} <<choice>>`),
    ...states.flatMap(([name, state]) => edges(name, state)),
  ];
  return [
    '# The referral workflow',
    '',
    '<!-- Generated from referral.asl.json by `npm run diagram`; test/unit/asl-diagram.test.ts keeps it current. -->',
    '',
    'Every Task also goes to `RecordFailure` when it fails beyond its retries (the referral is marked',
    '`notification_failed` or `workflow_failed` and the service lead told), then to `WorkflowFailed`.',
    '',
    '```mermaid',
    ...body,
    '```',
    '',
  ].join('\n');
}

export function readDefinitionFile(): AslDefinition {
  return JSON.parse(readFileSync(ASL_FILE, 'utf8')) as AslDefinition;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(DIAGRAM_FILE, mermaidDiagram(readDefinitionFile()));
  console.log(`wrote ${DIAGRAM_FILE}`);
}
