export * from './rest.js';
export * from './gateway.js';
export * from './emitter.js';
export * from './nonce.js';
