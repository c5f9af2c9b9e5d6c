/**
 * Above the composer: why a member cannot send here, as on Discord. A timeout says until when (and the notice goes
 * when it ends, by itself); an AutoMod quarantine for their name says how to get out of it.
 */
import { useEffect, useState } from 'react';
import { GuildMemberFlags, isCommunicationDisabled } from '@concord/protocol';
import { useStore } from '../../state/store';
import './settings.css';

export function RestrictedNotice({ guildId }: { guildId: string }) {
  const me = useStore((s) => s.client.user);
  const member = useStore((s) => (me ? s.client.guilds[guildId]?.members[me.id] : undefined));
  const [now, setNow] = useState(() => Date.now());
  const until = member?.communication_disabled_until ? Date.parse(member.communication_disabled_until) : null;
  useEffect(() => {
    if (!until || until <= Date.now()) return;
    // Re-rendered once the timeout ends (timers are capped near 24.8 days; a re-render re-arms it).
    const t = setTimeout(() => setNow(Date.now()), Math.min(until - Date.now() + 50, 2 ** 31 - 1));
    return () => clearTimeout(t);
  }, [until, now]);
  if (!member) return null;
  if (member.flags & GuildMemberFlags.AUTOMOD_QUARANTINED_USERNAME) {
    return (
      <div className="restricted-notice" role="status">
        <strong>Your profile name is blocked in this server by AutoMod.</strong> You can read, but not send messages, react or join voice
        until you change your nickname or display name.
      </div>
    );
  }
  if (isCommunicationDisabled(member, now)) {
    const at = new Date(until!);
    const when = at.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
    return (
      <div className="restricted-notice" role="status">
        <strong>You are timed out until {when}.</strong> You can read, but not send messages, react or join voice until then.
      </div>
    );
  }
  return null;
}
