export * from './snowflake.js';
export * from './permissions.js';
export * from './errors.js';
export * from './gateway.js';
export * from './events.js';
export * from './schemas.js';
export * from './reducer.js';
export * from './mentions.js';
