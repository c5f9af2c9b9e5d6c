import { SearchMessagesQuery } from '@concord/protocol';
import { parse } from '../../lib/errors.js';
import type { Router } from '../../http/router.js';
import type { Deps } from '../deps.js';
import * as search from './service.js';

export function searchRoutes(r: Router, deps: Deps): void {
  r.get('/guilds/:guild_id/messages/search', (req) => search.searchGuild(deps, req.ctx, req.params.guild_id!, parse(SearchMessagesQuery, req.query)), { bucket: 'search' });
  r.get('/channels/:channel_id/messages/search', (req) => search.searchChannel(deps, req.ctx, req.params.channel_id!, parse(SearchMessagesQuery, req.query)), {
    bucket: 'search',
  });
}
