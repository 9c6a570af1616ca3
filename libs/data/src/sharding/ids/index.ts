export { Uuidv7Generator, uuidv7, uuidv7Time } from './uuidv7.js';
