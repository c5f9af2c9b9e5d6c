/**
 * The search contract on SQLite (FTS5, trigram tokenizer) twice: with every message still queued for the indexer
 * (it never runs), and with the queue indexed before each search; and the background indexing of earlier messages.
 */
import { expect, it } from 'vitest';
import { newGuild, newUser, startTestServer, eventually } from '@concord/server/testing';
import { searchSuite } from './search-contract.js';

searchSuite('sqlite, messages queued', { start: () => startTestServer({ searchIndexMs: 3_600_000 }) });
searchSuite('sqlite, messages indexed', { start: () => startTestServer(), settle: (s) => s.app.deps.search.settle!() });

it('the indexer empties the queue on its own, and what it indexed is found once', async () => {
  const server = await startTestServer({ searchIndexMs: 20 });
  try {
    const owner = await newUser(server.base);
    const guild = await newGuild(owner.api, 'Indexer');
    for (let i = 0; i < 3; i++) await owner.api.ok.post(`/channels/${guild.generalId}/messages`, { content: `queued quokka ${i}` });
    const db = server.app.deps.db;
    await eventually(async () => Number((await db.get('SELECT COUNT(*) AS n FROM message_fts_pending'))?.n) === 0 || undefined, 'the queue indexed');
    expect(Number((await db.get("SELECT COUNT(*) AS n FROM message_fts WHERE message_fts MATCH '\"quokka\"'"))?.n)).toBe(3);
    const found = await owner.api.ok.get<{ total_results: number }>(`/guilds/${guild.id}/messages/search?content=quokka`);
    expect(found.total_results).toBe(3);
  } finally {
    await server.close();
  }
});

it('indexes messages stored before search existed in the background, answering 202 until done', async () => {
  const server = await startTestServer();
  try {
    const owner = await newUser(server.base);
    const guild = await newGuild(owner.api, 'Upgrade');
    for (let i = 0; i < 5; i++) await owner.api.ok.post(`/channels/${guild.generalId}/messages`, { content: `old message number ${i} anteater` });
    // As a database upgraded from before search: the index is empty and the backfill has not run.
    const db = server.app.deps.db;
    await db.run('DELETE FROM message_fts');
    await db.run("UPDATE search_backfill SET upto_id = (SELECT MAX(id) FROM messages), through_channel = NULL, through_id = NULL, indexed = 0, done = 0");
    const pending = await owner.api.get(`/guilds/${guild.id}/messages/search?content=anteater`);
    expect(pending.status).toBe(202);
    expect(pending.body).toMatchObject({ code: 110000, retry_after: expect.any(Number) });
    // New messages are indexed at once, while the backfill has yet to run.
    await owner.api.ok.post(`/channels/${guild.generalId}/messages`, { content: 'new anteater' });
    const lines: string[] = [];
    await server.app.deps.search.backfill((line) => lines.push(line));
    expect(lines.at(-1)).toMatch(/indexed 5 of 5 .*done/);
    const done = await owner.api.ok.get<{ total_results: number }>(`/guilds/${guild.id}/messages/search?content=anteater`);
    expect(done.total_results).toBe(6);
  } finally {
    await server.close();
  }
});
