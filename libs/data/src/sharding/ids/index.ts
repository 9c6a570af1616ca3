export { Uuidv7Generator, isUuidv7, uuidv7, uuidv7Time } from './uuidv7.js';
