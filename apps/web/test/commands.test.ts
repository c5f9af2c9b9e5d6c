/** What the composer makes of a typed slash command: the picker's query, the entry, options checked by type. */
import { describe, expect, it } from 'vitest';
import type { ApplicationCommand } from '@concord/protocol';
import { entriesOf, entryName, matchEntry, parseOptions, pickerQuery, withFocus } from '../src/features/commands/parse';

const cmd = (c: Partial<ApplicationCommand> & { name: string }): ApplicationCommand => ({
  id: c.name,
  type: 1,
  application_id: 'app',
  name_localizations: null,
  description: 'd',
  description_localizations: null,
  default_member_permissions: null,
  default_permission: true,
  nsfw: false,
  integration_types: [0],
  contexts: null,
  version: '1',
  ...c,
});

const commands = [
  cmd({
    name: 'vote',
    options: [
      { type: 3, name: 'topic', description: 'what', required: true },
      { type: 4, name: 'rounds', description: 'how many', min_value: 1, max_value: 3 },
      { type: 6, name: 'who', description: 'someone' },
      { type: 5, name: 'secret', description: 'hidden' },
    ],
  }),
  cmd({ name: 'poll', options: [{ type: 1, name: 'start', description: 'start one', options: [{ type: 3, name: 'q', description: 'question', required: true, choices: [{ name: 'Lunch', value: 'lunch' }] }] }, { type: 1, name: 'end', description: 'end it' }] }),
  cmd({ name: 'Show Profile', type: 2 }),
];
const entries = entriesOf(commands);

describe('slash command parsing', () => {
  it('lists chat commands and each sub-command, never context menus', () => {
    expect(entries.map(entryName)).toEqual(['vote', 'poll start', 'poll end']);
  });

  it('the picker query is the name being typed', () => {
    expect(pickerQuery('/')).toBe('');
    expect(pickerQuery('/vo')).toBe('vo');
    expect(pickerQuery('/poll s')).toBe('poll s');
    expect(pickerQuery('hello /vote')).toBeNull();
    expect(pickerQuery('/vote topic:x')).toBeNull();
  });

  it('options are read as name:value, values running to the next option, converted by type', () => {
    const m = matchEntry('/vote topic:what to eat rounds:2 who:<@123456789012345678> secret:yes', entries)!;
    expect(entryName(m.entry)).toBe('vote');
    const p = parseOptions(m.entry, m.rest);
    expect(p.errors).toEqual([]);
    expect(p.options).toEqual([
      { name: 'topic', type: 3, value: 'what to eat' },
      { name: 'rounds', type: 4, value: 2 },
      { name: 'who', type: 6, value: '123456789012345678' },
      { name: 'secret', type: 5, value: true },
    ]);
    expect(p.current?.option.name).toBe('secret');
  });

  it('says what is wrong: missing required, wrong types, out of range', () => {
    const at = (text: string) => {
      const m = matchEntry(text, entries)!;
      return parseOptions(m.entry, m.rest).errors;
    };
    expect(at('/vote ')).toEqual(['Missing required option: topic']);
    expect(at('/vote topic:x rounds:two')).toEqual(['rounds must be a whole number']);
    expect(at('/vote topic:x rounds:9')).toEqual(['rounds must be between 1 and 3']);
    expect(at('/vote topic:x who:<#123456789012345678>')).toEqual(['who must be a member']);
    expect(at('/vote topic:')).toEqual(['topic needs a value']);
  });

  it('sub-commands nest their options; choices are taken by name', () => {
    const m = matchEntry('/poll start q:lunch', entries)!;
    expect(entryName(m.entry)).toBe('poll start');
    const p = parseOptions(m.entry, m.rest);
    expect(p.options).toEqual([{ name: 'start', type: 1, options: [{ name: 'q', type: 3, value: 'lunch' }] }]);
    expect(withFocus(p, 'q', 'lu')).toEqual([{ name: 'start', type: 1, options: [{ name: 'q', type: 3, value: 'lu', focused: true }] }]);
    const bad = parseOptions(m.entry, 'q:dinner');
    expect(bad.errors).toEqual(['q must be one of: Lunch']);
  });
});
