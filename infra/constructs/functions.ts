/** One NodejsFunction per entry in shared/functions.ts: Node 22 on Graviton, bundled by esbuild (no Docker). */
import { join } from 'node:path';

import { Duration } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

import { type FunctionName, lambdaFunctions } from '../../shared/functions.js';
import { STATIC_ASSETS } from '../../shared/http/static-assets.js';
import { REPO_ROOT } from '../paths.js';

export class Functions extends Construct {
  readonly byName: Record<FunctionName, NodejsFunction>;

  /** `files`: copied beside every function's code, by name in the bundle from an absolute path. */
  constructor(scope: Construct, id: string, props: { environment: Record<string, string>; logKey: IKey; files?: Record<string, string> }) {
    super(scope, id);
    const entries = Object.entries(lambdaFunctions) as [FunctionName, (typeof lambdaFunctions)[FunctionName]][];
    this.byName = Object.fromEntries(
      entries.map(([name, spec]) => {
        const logGroup = new LogGroup(this, `${name}Logs`, { retention: RetentionDays.SIX_MONTHS, encryptionKey: props.logKey });
        const fn = new NodejsFunction(this, name, {
          entry: join(REPO_ROOT, spec.entry),
          description: spec.description,
          runtime: Runtime.NODEJS_22_X,
          architecture: Architecture.ARM_64,
          memorySize: 512,
          timeout: Duration.seconds(20),
          tracing: Tracing.ACTIVE,
          logGroup,
          environment: { ...props.environment, POWERTOOLS_SERVICE_NAME: `msk-pathway-${name}`, NODE_OPTIONS: '--enable-source-maps' },
          projectRoot: REPO_ROOT,
          depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
          bundling: {
            minify: true,
            sourceMap: true,
            format: OutputFormat.ESM,
            target: 'node22',
            mainFields: ['module', 'main'],
            // Some dependencies still call require(); give ESM bundles one.
            banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
            // Static files the pages serve, and the deployment's own files, are copied next to the bundle.
            ...(('copyAssets' in spec && spec.copyAssets) || Object.keys(props.files ?? {}).length
              ? {
                  commandHooks: {
                    beforeBundling: () => [],
                    beforeInstall: () => [],
                    afterBundling: (inputDir: string, outputDir: string) => [
                      ...('copyAssets' in spec && spec.copyAssets
                        ? Object.entries(STATIC_ASSETS).map(
                            ([file, { module }]) => `cp "${inputDir}/node_modules/${module}" "${outputDir}/${file}"`,
                          )
                        : []),
                      ...Object.entries(props.files ?? {}).map(([file, source]) => `cp "${source}" "${outputDir}/${file}"`),
                    ],
                  },
                }
              : {}),
          },
        });
        return [name, fn];
      }),
    ) as Record<FunctionName, NodejsFunction>;
  }
}
