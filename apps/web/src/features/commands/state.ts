/**
 * Commands and interactions in the web client: the commands the reader may run per channel (the server's
 * command index), what the reader invoked and has not been answered yet, modals a bot asked for, and
 * autocomplete choices. Interactions are sent as Discord's client sends them (`POST /interactions` with a
 * nonce); the gateway then says INTERACTION_CREATE (its id), SUCCESS or FAILURE.
 */
import { create } from 'zustand';
import type {
  ActionRow,
  ApplicationCommand,
  AutocompleteResponseData,
  ChildComponent,
  CommandOptionChoice,
  InteractionDataOption,
  InteractionModalCreateData,
  InteractionResultData,
  Message,
} from '@concord/protocol';
import { rest, reportError } from '../../state/api';
import { getState as getApp, notify } from '../../state/store';

export interface CommandApp {
  id: string;
  name: string;
  bot_id: string;
}

export interface CommandIndex {
  applications: CommandApp[];
  application_commands: ApplicationCommand[];
}

interface Pending {
  channelId: string;
  applicationId: string;
  /** A component's message and custom id; absent for commands. */
  messageId?: string;
  customId?: string;
  id?: string;
}

interface CommandsState {
  index: Record<string, CommandIndex | undefined>;
  pending: Record<string, Pending>;
  /** Messages whose last component interaction got no answer ("This interaction failed"). */
  failed: Record<string, true>;
  /** Ephemeral messages the reader dismissed. */
  dismissed: Record<string, true>;
  modal: InteractionModalCreateData | null;
  autocomplete: { nonce: string; choices: CommandOptionChoice[] } | null;
}

export const useCommands = create<CommandsState>(() => ({ index: {}, pending: {}, failed: {}, dismissed: {}, modal: null, autocomplete: null }));
const set = useCommands.setState;
const get = useCommands.getState;

let seq = 0;
/** Snowflake-shaped, as Discord's client sends. */
const newNonce = () => String((BigInt(Date.now() - 1420070400000) << 22n) + BigInt(++seq % 4096));

const loading = new Set<string>();

/** The commands of the channel, read again each time the picker opens (what is known shows meanwhile). */
export async function loadIndex(channelId: string): Promise<void> {
  if (loading.has(channelId)) return;
  loading.add(channelId);
  try {
    const index = await rest.request<CommandIndex>('GET', `/channels/${channelId}/application-command-index`);
    set((s) => ({ index: { ...s.index, [channelId]: index } }));
  } catch {
    // No commands offered; the composer works as before.
  } finally {
    loading.delete(channelId);
  }
}

async function send(body: Record<string, unknown>, pending: Pending): Promise<boolean> {
  const nonce = newNonce();
  set((s) => ({ pending: { ...s.pending, [nonce]: pending }, ...(pending.messageId ? { failed: without(s.failed, pending.messageId) } : {}) }));
  try {
    await rest.request('POST', '/interactions', { body: { ...body, nonce, application_id: pending.applicationId, channel_id: pending.channelId } });
    return true;
  } catch (err) {
    set((s) => ({ pending: without(s.pending, nonce) }));
    reportError(err);
    return false;
  }
}

function without<T>(map: Record<string, T>, key: string): Record<string, T> {
  const next = { ...map };
  delete next[key];
  return next;
}

const guildOf = (channelId: string) => getApp().client.channels[channelId]?.guild_id ?? undefined;

export function runCommand(channelId: string, command: ApplicationCommand, options: InteractionDataOption[]): Promise<boolean> {
  return send(
    { type: 2, guild_id: guildOf(channelId), data: { id: command.id, name: command.name, type: command.type, version: command.version, options } },
    { channelId, applicationId: command.application_id },
  );
}

/** A button press or a select's values. */
export function pressComponent(message: Message, component: ChildComponent, values?: string[]): Promise<boolean> {
  // A bot's own message names no application: its bot's id stands for it.
  const applicationId = message.application_id ?? message.author.id;
  if (!('custom_id' in component) || !component.custom_id || !applicationId) return Promise.resolve(false);
  return send(
    {
      type: 3,
      guild_id: guildOf(message.channel_id),
      message_id: message.id,
      message_flags: message.flags,
      data: { component_type: component.type, custom_id: component.custom_id, ...(values ? { values } : {}) },
    },
    { channelId: message.channel_id, applicationId, messageId: message.id, customId: component.custom_id },
  );
}

export async function submitModal(modal: InteractionModalCreateData, values: Record<string, string>): Promise<boolean> {
  const ok = await send(
    {
      type: 5,
      guild_id: guildOf(modal.channel_id),
      data: { id: modal.id, custom_id: modal.custom_id, components: modal.components.map((r) => ({ type: 1, components: r.components.map((c) => ({ type: 4, custom_id: 'custom_id' in c ? c.custom_id : '', value: values['custom_id' in c ? c.custom_id! : ''] ?? '' })) })) },
    },
    { channelId: modal.channel_id, applicationId: modal.application.id },
  );
  if (ok) set({ modal: null });
  return ok;
}

export function closeModal(): void {
  set({ modal: null });
}

let lastAutocomplete = '';
/** Asks the bot for choices for the option being typed; only the latest request's answer is shown. */
export async function requestAutocomplete(channelId: string, command: ApplicationCommand, options: InteractionDataOption[]): Promise<void> {
  const nonce = newNonce();
  lastAutocomplete = nonce;
  try {
    await rest.request('POST', '/interactions', {
      body: { type: 4, nonce, application_id: command.application_id, channel_id: channelId, guild_id: guildOf(channelId), data: { id: command.id, name: command.name, type: 1, version: command.version, options } },
    });
  } catch {
    // Choices are a help, not a requirement.
  }
}

export function clearAutocomplete(): void {
  lastAutocomplete = '';
  set({ autocomplete: null });
}

export function dismissEphemeral(messageId: string): void {
  set((s) => ({ dismissed: { ...s.dismissed, [messageId]: true } }));
}

/** Whether the reader's click on this message is waiting for the bot. */
export const isBusy = (s: CommandsState, messageId: string, customId: string) =>
  Object.values(s.pending).some((p) => p.messageId === messageId && p.customId === customId);

// ---- from the gateway ----

export function onInteractionCreate(d: InteractionResultData | { token: string }): void {
  if ('token' in d) return;
  const r = d as InteractionResultData;
  if (!r.nonce || !get().pending[r.nonce]) return;
  set((s) => ({ pending: { ...s.pending, [r.nonce!]: { ...s.pending[r.nonce!]!, id: r.id } } }));
}

function byId(id: string): string | undefined {
  return Object.entries(get().pending).find(([, p]) => p.id === id)?.[0];
}

export function onInteractionSuccess(d: InteractionResultData): void {
  const nonce = d.nonce ?? byId(d.id);
  if (nonce) set((s) => ({ pending: without(s.pending, nonce) }));
}

export function onInteractionFailure(d: InteractionResultData): void {
  const nonce = d.nonce ?? byId(d.id);
  const p = nonce ? get().pending[nonce] : undefined;
  if (!nonce || !p) return;
  set((s) => ({ pending: without(s.pending, nonce), ...(p.messageId ? { failed: { ...s.failed, [p.messageId]: true as const } } : {}) }));
  if (!p.messageId) {
    const app = Object.values(get().index).flatMap((i) => i?.applications ?? []).find((a) => a.id === p.applicationId);
    notify(`${app?.name ?? 'The application'} did not respond.`);
  }
}

export function onModal(d: InteractionModalCreateData): void {
  set({ modal: d });
}

export function onAutocomplete(d: AutocompleteResponseData): void {
  if (d.nonce && d.nonce !== lastAutocomplete) return;
  set({ autocomplete: { nonce: d.nonce ?? '', choices: d.choices } });
}

export type { ActionRow };
