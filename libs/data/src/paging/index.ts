// Paging for service endpoints: the `limit`/`cursor` query every list takes, and opaque cursors
// that carry a position in the list's order.
export { PageQuery, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MAX_CURSOR_LENGTH } from './page.query.js';
export { positionCursorCodec, type CursorPosition, type PositionCursorCodec, type InvalidCursorErrorFactory } from './position-cursor.js';
export { newestFirstPages, type NewestFirstPages, type Page } from './newest-first-pages.js';
