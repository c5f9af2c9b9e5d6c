import type { Migration } from '../module.js';

export const readStateMigrations: Migration[] = [
  {
    id: 510,
    name: 'read states',
    // Only the read position is stored: mention counts are derived from the messages after it, so edits, deletes
    // and permission changes can never leave a count wrong.
    shared: `
      CREATE TABLE read_states (
        user_id BIGINT NOT NULL,
        channel_id BIGINT NOT NULL,
        last_message_id BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (user_id, channel_id)
      );
      CREATE INDEX read_states_channel ON read_states(channel_id);
    `,
  },
];
