// Lint is part of `npm test`. Two rules matter most here:
// - workflows/ must stay deterministic: no Node built-ins, no clocks, no randomness, no timers
//   (Temporal's workflow sandbox replays code, so any of these would break replay);
// - no floating promises anywhere: an un-awaited activity or HTTP call loses its error.
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs', 'fs/promises',
  'http', 'http2', 'https', 'net', 'os', 'path', 'perf_hooks', 'process', 'readline', 'stream', 'timers',
  'timers/promises', 'tls', 'url', 'util', 'v8', 'vm', 'worker_threads', 'zlib',
];

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', '.tmp/**', 'dist/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['eslint.config.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', {
        // node:test's test()/describe() return promises the runner itself awaits.
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }],
      }],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          ...nodeBuiltins.flatMap((name) => [
            { name, message: 'Workflow code is replayed: no Node built-ins (move the side effect into an activity).' },
            { name: `node:${name}`, message: 'Workflow code is replayed: no Node built-ins (move the side effect into an activity).' },
          ]),
        ],
        patterns: [
          { group: ['**/activities/**', '!**/activities/**/types'], message: 'Workflows call activities through proxyActivities only; import types with `import type`.', allowTypeImports: true },
          { group: ['**/sandbox/**', '**/worker/**', '**/client/**'], message: 'Workflows depend only on domain/ and common/.' },
        ],
      }],
      'no-restricted-globals': ['error',
        { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow: timers must be durable.' },
        { name: 'setInterval', message: 'Use sleep() in a loop from @temporalio/workflow.' },
        { name: 'process', message: 'No process state in workflows.' },
        { name: 'Buffer', message: 'No Node built-ins in workflows.' },
      ],
      'no-restricted-properties': ['error',
        { object: 'Math', property: 'random', message: 'Randomness breaks replay: pass it in from an activity.' },
        { object: 'Date', property: 'now', message: 'Use workflow time explicitly, passed in from an activity or workflowInfo().' },
      ],
      'no-restricted-syntax': ['error',
        { selector: "NewExpression[callee.name='Date']", message: 'No clocks in workflows: take dates as inputs or from an activity.' },
      ],
    },
  },
);
