/** docs/gateway.md's close-code table is a copy of `CloseCodes`: this keeps the two from drifting apart. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CloseCodes, GatewayCloseCodes } from '../src/index.js';

const DOC = new URL('../../../docs/gateway.md', import.meta.url);
const CLIENT_WORDS = { resume: 'resume', 're-identify': 'reidentify', stop: 'fatal' } as const;

/** The rows of the table under "## Close codes": code, client should, session. */
function documentedRows(): { code: number; client: string; session: string }[] {
  const text = readFileSync(DOC, 'utf8');
  const section = text.slice(text.indexOf('## Close codes'));
  return section
    .split('\n')
    .filter((line) => /^\|\s*\d{4}\s*\|/.test(line))
    .map((line) => {
      const cells = line.split('|').slice(1, -1).map((c) => c.trim());
      return { code: Number(cells[0]), client: cells[cells.length - 2]!, session: cells[cells.length - 1]! };
    });
}

describe('close codes', () => {
  it('docs/gateway.md lists exactly the codes of the protocol table, with the same client action and session fate', () => {
    const rows = documentedRows();
    expect(rows.map((r) => r.code)).toEqual(Object.keys(CloseCodes).map(Number));
    for (const row of rows) {
      const info = CloseCodes[row.code as keyof typeof CloseCodes];
      expect(CLIENT_WORDS[row.client as keyof typeof CLIENT_WORDS], `${row.code} client should`).toBe(info.client);
      expect(row.session, `${row.code} session`).toBe(info.endsSession ? 'ends' : 'kept');
    }
  });

  it('covers every named gateway close code, under its own name', () => {
    for (const [name, code] of Object.entries(GatewayCloseCodes)) expect(CloseCodes[code].name).toBe(name);
  });

  it('keeps a timed-out (4009) session and tells clients to resume it', () => {
    expect(CloseCodes[4009]).toMatchObject({ client: 'resume', endsSession: false });
  });
});
