export * from './request-context.js';
export { currentSessionKey, sessionKeyOf, withSession } from './session-key.js';
