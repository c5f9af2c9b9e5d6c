import { configDefaults, defineConfig } from 'vitest/config';

/** `npm run test:fast`: protocol, client, web unit tests and the server on SQLite; no PostgreSQL, Redis or browser. */
const FAST = ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts'];
/**
 * The rest of the full run: PostgreSQL suites (`*.pg.test.ts`), suites that start the server or the admin CLI as
 * processes or move a gigabyte (`*.slow.test.ts`), e2e (Chromium, discord.js, PostgreSQL + Redis), the bench.
 */
const SERVICES = ['**/*.pg.test.ts', '**/*.slow.test.ts', 'e2e/**/*.test.ts', 'bench/test/**/*.test.ts'];
/**
 * Run after the rest, not beside the browser suites: a Python bot with a 10 s wait and two clustered processes
 * with a cut Redis link. Next to Chromium suites their timing bounds failed now and then (see the note in
 * docs/testing.md).
 */
const AFTER = ['e2e/discordpy/**/*.test.ts', 'e2e/cluster/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Suites start servers and databases of their own; two workers suit a 2-core machine.
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
    // `vitest run` runs both projects; `vitest run --project fast` only the first.
    projects: [
      {
        extends: true,
        // One module graph per worker: the server's modules load once, not once per file.
        test: { name: 'fast', include: FAST, exclude: [...configDefaults.exclude, '**/*.pg.test.ts', '**/*.slow.test.ts'], isolate: false },
      },
      { extends: true, test: { name: 'services', include: SERVICES, exclude: [...configDefaults.exclude, ...AFTER] } },
      { extends: true, test: { name: 'external', include: AFTER, sequence: { groupOrder: 1 } } },
    ],
  },
});
