import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One DynamoDB Local for the whole run, started and stopped by the tests themselves.
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['local/polyfills.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Two cores here and in CI: two workers, so that Java and the workers do not starve each other.
    maxWorkers: 2,
    env: { POWERTOOLS_LOG_LEVEL: 'WARN', POWERTOOLS_METRICS_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
