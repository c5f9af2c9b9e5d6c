import { configDefaults, defineConfig } from 'vitest/config';

/** `npm run test:fast`: protocol, client, web unit tests and the server on SQLite; no PostgreSQL, Redis or browser. */
const FAST = ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts'];
/**
 * The rest of the full run: PostgreSQL suites (`*.pg.test.ts`), suites that start the server or the admin CLI as
 * processes or move a gigabyte (`*.slow.test.ts`), e2e (Chromium, discord.js, PostgreSQL + Redis), the bench.
 */
const SERVICES = ['**/*.pg.test.ts', '**/*.slow.test.ts', 'e2e/**/*.test.ts', 'bench/test/**/*.test.ts'];
/**
 * Run after the rest, not beside the browser suites: next to them the discord.py bot's 10 s wait failed now and
 * then (see docs/testing.md). The cluster suites stay spread among the others: run side by side they share one
 * Redis, where two clusters' ids (and so their topics) can coincide.
 */
const AFTER = ['e2e/discordpy/**/*.test.ts'];

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
