// Lint: ESLint's and typescript-eslint's recommended rules, unused code, and one import order.
// Formatting is Prettier's. Runs in `npm test` (`npm run lint`).
import js from '@eslint/js';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.bench/', '.local/', 'test-artifacts/', 'coverage/', 'dist/', 'forecast-report/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'simple-import-sort': simpleImportSort },
    rules: {
      'simple-import-sort/imports': ['error', { groups: [['^node:'], ['^@?\\w'], ['^\\.']] }],
      'simple-import-sort/exports': 'error',
      // Prettier's print width, for what Prettier cannot wrap: page templates (HTML in template literals).
      // A line that is one prose string (a cdk-nag reason, a test's name) may run on: splitting prose hides it.
      'max-len': [
        'error',
        { code: 140, ignoreUrls: true, ignoreRegExpLiterals: true, ignorePattern: "^\\s*(?:\\? |it\\(|[\\w-]+: )?'[^']*'(?:,.*)?$" },
      ],
      // Leaving fields out with a rest pattern (`const { pk, sk, ...referral } = item`) is the point, not waste.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
    },
  },
  // Tests and benchmarks read loosely typed answers (JSON from the service) on purpose.
  { files: ['test/**', 'bench/**'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
);
