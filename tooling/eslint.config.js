import js from '@eslint/js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';

/** The repository root: each package's tsconfig is found from there. */
const rootDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Shared lint rules: correctness first; formatting is left to the editor. */
export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', '**/.turbo/**', '**/*.d.ts'] },
  // Feature classes written the way a Flick (AdonisJS) application writes them: the indexer's parity inputs, kept as found.
  { ignores: ['packages/features/test/fixtures/flick/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    // Typed rules: each file is checked with its package's tsconfig (found by the project service), sources
    // and tests alike, so promise misuse (an async express handler, a floating write) is a lint error.
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: rootDir } },
    rules: {
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-implied-eval': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/prefer-promise-reject-errors': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      // Express ignores a handler's returned promise, so a rejection escapes the error middleware.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: true, attributes: true, properties: true, returns: true, variables: true } }],
      // An `async` function without `await` is deliberate here: it implements a Promise-returning interface (the
      // stores, providers, test doubles) so that a synchronous throw becomes a rejection its caller handles.
      // Dropping `async` to satisfy the rule would turn those rejections into throws.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests (and the conformance cases the store test suite ships) assert on HTTP and JSON bodies that are
    // typed `any`: supertest's `res.body`, `JSON.parse` of CLI output, vitest's asymmetric matchers. `expect`
    // checks their shape at runtime, so typing each body would only repeat the assertion. The promise rules
    // above stay on for tests.
    files: ['**/*.test.ts', '**/*.test.tsx', '**/test/**', 'packages/store-test-suite/src/cases/**'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Plain JavaScript (configs, scripts, the CAP plugin entry) has no types to check against.
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', URL: 'readonly', performance: 'readonly', structuredClone: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', queueMicrotask: 'readonly', fetch: 'readonly' } },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // CommonJS files (the root .pnpmfile.cjs, CAP's cds-plugin.cjs) use the module wrapper's bindings.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', exports: 'writable', require: 'readonly', __dirname: 'readonly', __filename: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
