import { describe, expect, it } from 'vitest';
import { describeServedSides, recordingServedSides, withServedSides } from './served-sides.js';
import type { SideChooser } from './side-switching-client.js';

const fixed = (reads: 'monolith' | 'service', writes: 'monolith' | 'service'): SideChooser => ({
  select: (_service, kind) => (kind === 'read' ? reads : writes),
});

describe('served sides', () => {
  it('records the side each call of a request went to, also after an await, and says it in one line', async () => {
    const chooser = recordingServedSides(fixed('service', 'monolith'));
    const served = await withServedSides(async (record) => {
      chooser.select('storage', 'write');
      await new Promise((resolve) => setTimeout(resolve, 1));
      chooser.select('storage', 'read');
      chooser.select('storage', 'read');
      return record;
    });
    expect(describeServedSides(served)).toBe('reads=service; writes=monolith');
  });

  it('names both sides when a request used both, and nothing for a request without data calls', () => {
    const monolith = recordingServedSides(fixed('monolith', 'monolith'));
    const service = recordingServedSides(fixed('service', 'service'));
    const both = withServedSides((record) => {
      monolith.select('storage', 'read');
      service.select('storage', 'read');
      return record;
    });
    expect(describeServedSides(both)).toBe('reads=monolith,service');
    expect(describeServedSides(withServedSides((record) => record))).toBeUndefined();
  });

  it('records nothing outside a tracked request', () => {
    expect(recordingServedSides(fixed('service', 'service')).select('storage', 'read')).toBe('service');
  });
});
