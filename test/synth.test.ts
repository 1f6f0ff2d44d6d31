/**
 * `cdk synth` as operations run it: offline, no credentials, no Docker. Every function is bundled
 * by esbuild, and every bundle loads in this Node (20 here; Lambda runs 22) and exports a handler.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

import { afterAll, describe, expect, it } from 'vitest';

import { REPO_ROOT } from '../local/runtime.js';
import { lambdaFunctions } from '../shared/functions.js';
import { exampleContextArgs } from './support/cdk-context.js';

const outdir = mkdtempSync(join(tmpdir(), 'msk-pathway-synth-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('cdk synth', () => {
  it('synthesizes offline and bundles every function into an ESM module that loads', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true' };
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_ENDPOINT_URL_DYNAMODB'])
      delete env[name];
    await promisify(execFile)('npx', ['cdk', 'synth', '--quiet', '--output', outdir, ...exampleContextArgs()], {
      cwd: REPO_ROOT,
      env,
      maxBuffer: 64 * 1024 * 1024,
    });
    const template = JSON.parse(readFileSync(join(outdir, 'MskPathway.template.json'), 'utf8'));
    const functions = Object.values(template.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(functions).toHaveLength(Object.keys(lambdaFunctions).length);
    for (const fn of functions) {
      const bundle = join(outdir, `asset.${fn.Metadata['aws:asset:path'].replace(/^asset\./, '')}`, 'index.mjs');
      expect(existsSync(bundle), bundle).toBe(true);
      expect(statSync(bundle).size).toBeGreaterThan(0);
      const module = await import(pathToFileURL(bundle).href);
      expect(typeof module.handler).toBe('function');
    }
    // 30 functions bundled by esbuild one after another: about two minutes on a quiet two-core machine, more when it is busy.
  }, 300_000);
});
