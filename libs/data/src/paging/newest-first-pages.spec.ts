import { describe, expect, it } from 'vitest';
import { newestFirstPages } from './newest-first-pages.js';

const pages = newestFirstPages('createdDate', (options) => new Error('cursor is malformed', options));
const at = (iso: string, id: string) => ({ createdDate: new Date(iso), id });

describe('newestFirstPages', () => {
  it('orders newest first with the id breaking ties, and filters strictly after a position', () => {
    expect(pages.orderBy).toEqual([{ createdDate: 'desc' }, { id: 'desc' }]);
    expect(pages.after(undefined)).toEqual({});
    const position = at('2025-03-01T10:00:00.000Z', '01956d8e-7a4b-7c3d-8e2f-1a2b3c4d5e6f');
    expect(pages.after(position)).toEqual({
      OR: [{ createdDate: { lt: position.createdDate } }, { createdDate: position.createdDate, id: { lt: position.id } }],
    });
  });

  it('cuts limit + 1 rows into a page whose cursor is the last row kept', () => {
    const rows = [
      at('2025-03-03T00:00:00.000Z', '01956d8e-7a4b-7c3d-8e2f-000000000003'),
      at('2025-03-02T00:00:00.000Z', '01956d8e-7a4b-7c3d-8e2f-000000000002'),
      at('2025-03-01T00:00:00.000Z', '01956d8e-7a4b-7c3d-8e2f-000000000001'),
    ];
    const first = pages.page(rows, 2);
    expect(first.items).toEqual(rows.slice(0, 2));
    expect(pages.decode(first.nextCursor!)).toEqual(rows[1]);
    expect(pages.page(rows.slice(0, 2), 2)).toEqual({ items: rows.slice(0, 2), nextCursor: null });
  });
});
