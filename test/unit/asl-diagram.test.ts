/** The diagram beside the ASL is generated from it, and current. */
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { transitions } from '../../local/definition.js';
import { DIAGRAM_FILE, mermaidDiagram, readDefinitionFile } from '../../local/diagram.js';

describe('statemachines/referral.md', () => {
  it('is what `npm run diagram` makes of the ASL file now', () => {
    expect(readFileSync(DIAGRAM_FILE, 'utf8')).toBe(mermaidDiagram(readDefinitionFile()));
  });

  it('draws every state and every transition except the catch-all to RecordFailure', () => {
    const definition = readDefinitionFile();
    const diagram = mermaidDiagram(definition);
    for (const [from, targets] of Object.entries(transitions(definition)))
      for (const to of targets) {
        const catchAllOnly = to === 'RecordFailure' && definition.States[from]!.Type === 'Task';
        if (!catchAllOnly) expect(diagram, `${from} --> ${to}`).toMatch(new RegExp(`^  ${from} --> ${to}(:|$)`, 'm'));
      }
  });
});
