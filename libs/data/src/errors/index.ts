export { DataError } from './data.error.js';
