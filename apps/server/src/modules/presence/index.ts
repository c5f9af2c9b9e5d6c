import { defineModule } from '../module.js';

/** Who is online. Its store (memory or Redis) is infrastructure, chosen in app.ts. */
export const presenceModule = defineModule({
  name: 'presence',
  events: ['PRESENCE_UPDATE'],
});
