import type { Migration } from '../module.js';

export const roleMigrations: Migration[] = [
  {
    id: 600,
    name: 'role colours',
    shared: `
      ALTER TABLE roles ADD COLUMN secondary_color INTEGER;
      ALTER TABLE roles ADD COLUMN tertiary_color INTEGER;
    `,
  },
];
