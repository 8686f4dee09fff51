import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import store from './eslint/storePaths.js';
import layers from './eslint/layers.js';

/** Firebase reads the dashboard makes only in web/src/firestore.ts, on a store path with a store codec. */
const WEB_READS = [
  'doc',
  'collection',
  'collectionGroup',
  'getDoc',
  'getDocs',
  'getDocFromCache',
  'getDocsFromCache',
  'getDocFromServer',
  'getDocsFromServer',
  'onSnapshot',
  'query',
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'functions/lib/**', '**/dist/**', '.emulators/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // The domain core must stay pure: no cloud SDK, no ccxt, no I/O.
    files: ['functions/src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@google-cloud/*', 'firebase*', 'ccxt', 'node:fs', 'node:http', 'fs', 'http'],
              message: 'domain code is pure: use a port',
            },
            { group: ['**/adapters/**', '**/handlers/**'], message: 'domain code must not import adapters or handlers' },
          ],
        },
      ],
    },
  },
  {
    // Every layer boundary (eslint/layers.js): lib ← domain ← strategies, ports ← shared/config ← services ← adapters|handlers ← wiring ← entries.
    // Tests and their kits may reach across (a contract test runs a fake and an adapter).
    files: ['functions/src/**/*.ts', 'web/src/**/*.ts'],
    ignores: ['**/*.test.ts', '**/testing/**', '**/fixtures/**'],
    plugins: { layers },
    rules: { 'layers/boundary': 'error' },
  },
  { files: ['web/**/*.ts'], languageOptions: { globals: { ...globals.browser } } },
  {
    // One owner for stored data: paths come from functions/src/shared/store only.
    files: ['functions/src/**/*.ts', 'web/src/**/*.ts', 'scripts/**/*.ts', 'test/**/*.ts', 'emulators/**/*.ts'],
    ignores: ['functions/src/shared/store/**'],
    plugins: { store },
    rules: { 'store/no-literal-path': 'error' },
  },
  {
    // The dashboard reads documents only through firestore.ts, which hands them to a shared-store codec.
    files: ['web/src/**/*.ts'],
    ignores: ['web/src/firestore.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'firebase/firestore',
              importNames: WEB_READS,
              message: 'read through web/src/firestore.ts (watchDoc, watchQuery, readDoc) with a codec from functions/src/shared/store',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='data'][arguments.length=0]",
          message: 'a document is decoded only by a codec from functions/src/shared/store, via web/src/firestore.ts',
        },
      ],
    },
  },
);
