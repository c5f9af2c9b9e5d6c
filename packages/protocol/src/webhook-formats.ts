/**
 * Slack- and GitHub-compatible webhook payloads (`POST /webhooks/:id/:token/slack`, `.../github`), as Discord
 * takes them: each becomes an ordinary execute body (content, username, avatar, embeds). Pure translation; the
 * server sends the result through the same path as any webhook message.
 */
import { z } from 'zod';

export interface ExecuteLike {
  content?: string;
  username?: string;
  avatar_url?: string;
  embeds?: Record<string, unknown>[];
}

const str = z.string().nullish();
const SlackField = z.object({ title: str, value: str, short: z.boolean().nullish() }).loose();
const SlackAttachment = z
  .object({
    fallback: str,
    color: str,
    pretext: str,
    author_name: str,
    author_link: str,
    author_icon: str,
    title: str,
    title_link: str,
    text: str,
    fields: z.array(SlackField).max(25).nullish(),
    image_url: str,
    thumb_url: str,
    footer: str,
    footer_icon: str,
    ts: z.union([z.number(), z.string()]).nullish(),
  })
  .loose();
export const SlackWebhookBody = z
  .object({
    text: z.string().max(2000).nullish(),
    username: z.string().max(80).nullish(),
    icon_url: z.string().max(2048).nullish(),
    attachments: z.array(SlackAttachment).max(10).nullish(),
  })
  .loose();
export type SlackWebhookBody = z.infer<typeof SlackWebhookBody>;

/** Slack's link and formatting marks, in Discord markdown: `<url|label>`, `<url>`, `*bold*`, `~strike~`. */
export function slackText(text: string): string {
  return text
    .replace(/<((?:https?|mailto):[^|>\s]+)\|([^>]+)>/g, '[$2]($1)')
    .replace(/<((?:https?|mailto):[^>\s]+)>/g, '$1')
    .replace(/(^|\s)\*([^*\n]+)\*(?=\s|$|[.,!?])/g, '$1**$2**')
    .replace(/(^|\s)~([^~\n]+)~(?=\s|$|[.,!?])/g, '$1~~$2~~')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

const SLACK_COLORS: Record<string, number> = { good: 0x2eb886, warning: 0xdaa038, danger: 0xa30200 };

function slackColor(c: string | null | undefined): number | undefined {
  if (!c) return undefined;
  if (SLACK_COLORS[c] !== undefined) return SLACK_COLORS[c];
  const m = /^#?([0-9a-f]{6})$/i.exec(c);
  return m ? parseInt(m[1]!, 16) : undefined;
}

const httpUrl = (u: string | null | undefined) => (u && /^https?:\/\//.test(u) ? u : undefined);
const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** A Slack message as an execute body: text -> content, attachments -> embeds. */
export function fromSlack(body: SlackWebhookBody): ExecuteLike {
  const embeds = (body.attachments ?? []).map((a) => {
    const e: Record<string, unknown> = {};
    const title = a.title ?? (a.text || a.fields?.length ? undefined : (a.fallback ?? undefined));
    if (title) e.title = cut(slackText(title), 256);
    if (httpUrl(a.title_link)) e.url = a.title_link;
    const description = [a.pretext, a.text].filter(Boolean).map((t) => slackText(t!)).join('\n');
    if (description) e.description = cut(description, 4096);
    const color = slackColor(a.color);
    if (color !== undefined) e.color = color;
    if (a.author_name) e.author = { name: cut(a.author_name, 256), ...(httpUrl(a.author_link) ? { url: a.author_link } : {}), ...(httpUrl(a.author_icon) ? { icon_url: a.author_icon } : {}) };
    const fields = (a.fields ?? []).filter((f) => f.title || f.value).map((f) => ({ name: cut(slackText(f.title || '\u200b'), 256), value: cut(slackText(f.value || '\u200b'), 1024), inline: Boolean(f.short) }));
    if (fields.length) e.fields = fields;
    if (httpUrl(a.image_url)) e.image = { url: a.image_url };
    if (httpUrl(a.thumb_url)) e.thumbnail = { url: a.thumb_url };
    if (a.footer) e.footer = { text: cut(a.footer, 2048), ...(httpUrl(a.footer_icon) ? { icon_url: a.footer_icon } : {}) };
    const ts = a.ts === undefined || a.ts === null ? NaN : Number(a.ts);
    if (Number.isFinite(ts)) e.timestamp = new Date(ts * 1000).toISOString();
    return e;
  });
  return {
    ...(body.text ? { content: cut(slackText(body.text), 2000) } : {}),
    ...(body.username ? { username: body.username } : {}),
    ...(httpUrl(body.icon_url) ? { avatar_url: body.icon_url! } : {}),
    ...(embeds.length ? { embeds: embeds.filter((e) => Object.keys(e).length > 0) } : {}),
  };
}

// ---------- GitHub ----------

const GhUser = z.object({ login: z.string(), avatar_url: str, html_url: str }).loose();
const GhRepo = z.object({ name: z.string(), full_name: z.string(), html_url: str }).loose();
const GhIssue = z.object({ number: z.number(), title: z.string(), html_url: str, body: str }).loose();
export const GitHubPayload = z
  .object({
    action: str,
    sender: GhUser.nullish(),
    repository: GhRepo.nullish(),
    ref: str,
    ref_type: str,
    compare: str,
    forced: z.boolean().nullish(),
    commits: z
      .array(z.object({ id: z.string(), message: z.string(), url: str, author: z.object({ name: str, username: str }).loose().nullish() }).loose())
      .nullish(),
    issue: GhIssue.nullish(),
    pull_request: GhIssue.extend({ merged: z.boolean().nullish() }).nullish(),
    comment: z.object({ body: str, html_url: str }).loose().nullish(),
    release: z.object({ tag_name: z.string(), name: str, html_url: str, body: str }).loose().nullish(),
    forkee: z.object({ full_name: z.string(), html_url: str }).loose().nullish(),
  })
  .loose();
export type GitHubPayload = z.infer<typeof GitHubPayload>;

/** Colours of Discord's GitHub embeds: opened/created green, closed red, comments and pushes blurple. */
const GH = { open: 0x009800, closed: 0xb60205, neutral: 0x7289da, merged: 0x6f42c1 };

/**
 * A GitHub event (the `X-GitHub-Event` header and its payload) as Discord shows it; undefined for events it does
 * not show (`ping`, and anything not below).
 */
export function fromGitHub(event: string, p: GitHubPayload): ExecuteLike | undefined {
  const repo = p.repository?.full_name ?? p.repository?.name ?? 'repository';
  const author = p.sender ? { name: p.sender.login, ...(httpUrl(p.sender.avatar_url) ? { icon_url: p.sender.avatar_url } : {}), ...(httpUrl(p.sender.html_url) ? { url: p.sender.html_url } : {}) } : undefined;
  const embed = (title: string, url: string | null | undefined, color: number, description?: string | null): ExecuteLike => ({
    username: 'GitHub',
    embeds: [{ title: cut(title, 256), ...(httpUrl(url) ? { url } : {}), color, ...(author ? { author } : {}), ...(description ? { description: cut(description, 500) } : {}) }],
  });
  const branch = (p.ref ?? '').replace(/^refs\/(heads|tags)\//, '');
  switch (event) {
    case 'push': {
      const commits = p.commits ?? [];
      if (commits.length === 0) return undefined;
      const lines = commits.slice(0, 5).map((c) => `[\`${c.id.slice(0, 7)}\`](${c.url ?? ''}) ${cut(c.message.split('\n')[0]!, 50)} - ${c.author?.username ?? c.author?.name ?? ''}`.trimEnd());
      const n = commits.length;
      return embed(`[${repo}:${branch}] ${n} new commit${n === 1 ? '' : 's'}${p.forced ? ' (force-pushed)' : ''}`, p.compare, GH.neutral, lines.join('\n'));
    }
    case 'issues': {
      const i = p.issue;
      if (!i || !['opened', 'closed', 'reopened'].includes(p.action ?? '')) return undefined;
      return embed(`[${repo}] Issue ${p.action}: #${i.number} ${i.title}`, i.html_url, p.action === 'closed' ? GH.closed : GH.open, p.action === 'opened' ? i.body : undefined);
    }
    case 'pull_request': {
      const pr = p.pull_request;
      if (!pr || !['opened', 'closed', 'reopened'].includes(p.action ?? '')) return undefined;
      const what = p.action === 'closed' && pr.merged ? 'merged' : p.action!;
      return embed(`[${repo}] Pull request ${what}: #${pr.number} ${pr.title}`, pr.html_url, what === 'merged' ? GH.merged : what === 'closed' ? GH.closed : GH.open, p.action === 'opened' ? pr.body : undefined);
    }
    case 'issue_comment': {
      const i = p.issue;
      if (!i || p.action !== 'created') return undefined;
      return embed(`[${repo}] New comment on ${i.html_url?.includes('/pull/') ? 'pull request' : 'issue'} #${i.number}: ${i.title}`, p.comment?.html_url ?? i.html_url, GH.neutral, p.comment?.body);
    }
    case 'release':
      if (!p.release || p.action !== 'published') return undefined;
      return embed(`[${repo}] New release published: ${p.release.name || p.release.tag_name}`, p.release.html_url, GH.open, p.release.body);
    case 'watch':
    case 'star':
      if (p.action !== 'started' && p.action !== 'created') return undefined;
      return embed(`[${repo}] New star added`, p.repository?.html_url, GH.neutral);
    case 'fork':
      return p.forkee ? embed(`[${repo}] Fork created: ${p.forkee.full_name}`, p.forkee.html_url, GH.neutral) : undefined;
    case 'create':
    case 'delete': {
      if (!p.ref) return undefined;
      const kind = p.ref_type === 'tag' ? 'tag' : 'branch';
      const title = event === 'create' ? `[${repo}] New ${kind} created: ${branch}` : `[${repo}] ${kind === 'tag' ? 'Tag' : 'Branch'} deleted: ${branch}`;
      return embed(title, p.repository?.html_url, event === 'create' ? GH.open : GH.closed);
    }
    default:
      return undefined;
  }
}
