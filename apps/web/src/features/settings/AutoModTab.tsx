import { useEffect, useState } from 'react';
import { AutoModActionTypes, AutoModTriggerTypes, Permissions, type AutoModAction, type AutoModRule } from '@concord/protocol';
import { useStore } from '../../state/store';
import { createAutoModRule, deleteAutoModRule, listAutoModRules, modifyAutoModRule, powers } from './actions';

const TRIGGER_NAMES: Record<number, string> = {
  [AutoModTriggerTypes.KEYWORD]: 'Custom keywords',
  [AutoModTriggerTypes.SPAM]: 'Suspected spam',
  [AutoModTriggerTypes.KEYWORD_PRESET]: 'Commonly flagged words',
  [AutoModTriggerTypes.MENTION_SPAM]: 'Mention spam',
  [AutoModTriggerTypes.MEMBER_PROFILE]: 'Member names',
};

function describeActions(actions: AutoModAction[], channelName: (id: string) => string): string {
  return actions
    .map((a) =>
      a.type === AutoModActionTypes.BLOCK_MESSAGE
        ? 'block the message'
        : a.type === AutoModActionTypes.SEND_ALERT_MESSAGE
          ? `alert in #${channelName(a.metadata?.channel_id ?? '')}`
          : a.type === AutoModActionTypes.TIMEOUT
            ? `time out for ${Math.round((a.metadata?.duration_seconds ?? 0) / 60)} min`
            : 'block the interaction',
    )
    .join(', ');
}

/** Server settings > AutoMod: the guild's rules, and a keyword rule made with block, alert and timeout actions. */
export function AutoModTab({ guildId, userId }: { guildId: string; userId: string | undefined }) {
  const guild = useStore((s) => s.client.guilds[guildId])!;
  const channels = useStore((s) => s.client.channels);
  const [rules, setRules] = useState<AutoModRule[] | null>(null);
  const [creating, setCreating] = useState(false);
  const p = powers(guild, userId);
  useEffect(() => {
    let live = true;
    void listAutoModRules(guildId).then((r) => live && setRules(r ?? []));
    return () => {
      live = false;
    };
  }, [guildId]);
  const channelName = (id: string) => channels[id]?.name ?? 'deleted-channel';
  const replace = (rule: AutoModRule) => setRules((list) => (list ?? []).map((r) => (r.id === rule.id ? rule : r)));
  return (
    <section className="settings-section">
      <h1>AutoMod</h1>
      <p className="settings-hint">Rules check every message before it is posted. Members who can manage the server are never affected.</p>
      {!creating && (
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          Create keyword rule
        </button>
      )}
      {creating && (
        <KeywordRuleForm
          guildId={guildId}
          canTimeout={p.has(Permissions.MODERATE_MEMBERS)}
          onCancel={() => setCreating(false)}
          onCreated={(rule) => {
            setRules((list) => [...(list ?? []), rule]);
            setCreating(false);
          }}
        />
      )}
      {rules === null ? (
        <p className="settings-empty">Loading rules…</p>
      ) : rules.length === 0 ? (
        <p className="settings-empty">No rules yet.</p>
      ) : (
        <ul className="automod-rules" aria-label="AutoMod rules">
          {rules.map((r) => (
            <li key={r.id} className="automod-rule">
              <div className="automod-rule-main">
                <div className="automod-rule-name">{r.name}</div>
                <div className="automod-rule-meta">
                  {TRIGGER_NAMES[r.trigger_type] ?? 'Rule'}
                  {r.trigger_metadata.keyword_filter?.length ? `: ${r.trigger_metadata.keyword_filter.slice(0, 6).join(', ')}${r.trigger_metadata.keyword_filter.length > 6 ? '…' : ''}` : ''}
                </div>
                <div className="automod-rule-meta">Then {describeActions(r.actions, channelName)}</div>
              </div>
              <button
                type="button"
                role="switch"
                aria-checked={r.enabled}
                aria-label={`Enable ${r.name}`}
                className={`switch${r.enabled ? ' on' : ''}`}
                onClick={() => void modifyAutoModRule(guildId, r.id, { enabled: !r.enabled }).then((u) => u && replace(u))}
              >
                <span />
              </button>
              <button type="button" className="danger" aria-label={`Delete ${r.name}`} onClick={() => void deleteAutoModRule(guildId, r.id).then((ok) => ok && setRules((l) => (l ?? []).filter((x) => x.id !== r.id)))}>
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function KeywordRuleForm({ guildId, canTimeout, onCancel, onCreated }: { guildId: string; canTimeout: boolean; onCancel: () => void; onCreated: (r: AutoModRule) => void }) {
  const guild = useStore((s) => s.client.guilds[guildId])!;
  const channels = useStore((s) => s.client.channels);
  const textChannels = guild.channelIds.map((id) => channels[id]).filter((c) => c && c.type === 0);
  const [name, setName] = useState('Block words');
  const [keywords, setKeywords] = useState('');
  const [allow, setAllow] = useState('');
  const [block, setBlock] = useState(true);
  const [custom, setCustom] = useState('');
  const [alertOn, setAlertOn] = useState(false);
  const [alertChannel, setAlertChannel] = useState(textChannels[0]?.id ?? '');
  const [timeoutOn, setTimeoutOn] = useState(false);
  const [minutes, setMinutes] = useState(10);
  const split = (text: string) => text.split(/[,\n]/).map((w) => w.trim()).filter(Boolean);
  const submit = async () => {
    const actions: AutoModAction[] = [];
    if (block) actions.push({ type: AutoModActionTypes.BLOCK_MESSAGE, metadata: custom.trim() ? { custom_message: custom.trim() } : {} });
    if (alertOn && alertChannel) actions.push({ type: AutoModActionTypes.SEND_ALERT_MESSAGE, metadata: { channel_id: alertChannel } });
    if (timeoutOn) actions.push({ type: AutoModActionTypes.TIMEOUT, metadata: { duration_seconds: minutes * 60 } });
    const rule = await createAutoModRule(guildId, {
      name: name.trim() || 'Block words',
      event_type: 1,
      trigger_type: AutoModTriggerTypes.KEYWORD,
      trigger_metadata: { keyword_filter: split(keywords), allow_list: split(allow) },
      actions,
      enabled: true,
    });
    if (rule) onCreated(rule);
  };
  return (
    <form
      className="settings-form automod-form"
      aria-label="New keyword rule"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label>
        Rule name
        <input name="rule-name" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        Keywords
        <textarea name="keywords" rows={3} placeholder="Separate with commas. cat* matches catch, *cat matches bobcat, *cat* matches anywhere." value={keywords} onChange={(e) => setKeywords(e.target.value)} />
      </label>
      <label>
        Allowed words
        <input name="allow-list" placeholder="Exceptions, separated by commas" value={allow} onChange={(e) => setAllow(e.target.value)} />
      </label>
      <fieldset className="automod-actions">
        <legend>When a message matches</legend>
        <label className="check">
          <input type="checkbox" checked={block} onChange={(e) => setBlock(e.target.checked)} /> Block the message
        </label>
        {block && <input name="custom-message" aria-label="Message shown to the author" placeholder="Message shown to the author (optional)" maxLength={150} value={custom} onChange={(e) => setCustom(e.target.value)} />}
        <label className="check">
          <input type="checkbox" checked={alertOn} onChange={(e) => setAlertOn(e.target.checked)} /> Send an alert to a channel
        </label>
        {alertOn && (
          <select aria-label="Alert channel" value={alertChannel} onChange={(e) => setAlertChannel(e.target.value)}>
            {textChannels.map((c) => (
              <option key={c!.id} value={c!.id}>
                #{c!.name}
              </option>
            ))}
          </select>
        )}
        {canTimeout && (
          <label className="check">
            <input type="checkbox" checked={timeoutOn} onChange={(e) => setTimeoutOn(e.target.checked)} /> Time the author out
          </label>
        )}
        {timeoutOn && (
          <select aria-label="Timeout length" value={minutes} onChange={(e) => setMinutes(Number(e.target.value))}>
            {[1, 5, 10, 60, 1440, 10080].map((m) => (
              <option key={m} value={m}>
                {m < 60 ? `${m} min` : m < 1440 ? `${m / 60} hour` : `${m / 1440} day${m > 1440 ? 's' : ''}`}
              </option>
            ))}
          </select>
        )}
      </fieldset>
      <div className="role-buttons">
        <button type="submit" className="primary" disabled={split(keywords).length === 0 || (!block && !alertOn && !timeoutOn)}>
          Save rule
        </button>
        <button type="button" className="plain" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
