import { describe, expect, it } from 'vitest';
import { PagePacker, PageUnpacker, type StoredPageColumns } from '../../../main/export/page-columns.js';
import type { ReviewerNote } from '../../../main/export/types.js';

const leads = { module: 'Leads', recordId: '554023005000000039' };
const deals = { module: 'Deals', recordId: '554023005300000039' };
const contacts = { module: 'Contacts', recordId: '9007199254740993123' };
const note: ReviewerNote = { author: 'Ana', text: 'checked', at: 1_764_576_000_000 };

/** What each event of a page is, owner by value: the comparison that matters to the writer. */
function eventsOf(page: StoredPageColumns) {
  return page.eventIds.map((eventId, index) => ({
    eventId,
    auditedAtMs: page.auditedAtMs[index],
    owner: { ...page.owners[page.ownerIndex[index]!]! },
    end: page.rawJsonEnds[index],
    flags: [...page.flags[index]!],
    notes: [...page.notes[index]!],
  }));
}

describe('page columns across threads', () => {
  it('arrive as they were sent, page after page, owners sent once each (through a real structured clone)', () => {
    const packer = new PagePacker();
    const unpacker = new PageUnpacker();
    const pages: StoredPageColumns[] = [
      { eventIds: ['1', '2', '3'], auditedAtMs: [1_700_000_000_000, 1_700_000_000_001, 1_700_000_000_001], owners: [leads, deals], ownerIndex: [0, 1, 0], flags: [[], ['after-hours'], []], notes: [[], [], [note]], rawJsonEnds: [10, 25, 40] },
      // The same owners again (other objects, equal values), and one new: only the new one travels.
      { eventIds: ['4', '5'], auditedAtMs: [-86_400_000, 8_640_000_000_000_000], owners: [{ ...deals }, contacts, { ...leads }], ownerIndex: [1, 2], flags: [[], []], notes: [[], []], rawJsonEnds: [7, 9] },
      { eventIds: [], auditedAtMs: [], owners: [], ownerIndex: [], flags: [], notes: [], rawJsonEnds: [] },
    ];
    const newOwnerCounts: number[] = [];
    for (const page of pages) {
      const packed = structuredClone(packer.pack(page));
      newOwnerCounts.push(packed.newOwners.length);
      expect(eventsOf(unpacker.unpack(packed))).toEqual(eventsOf(page));
    }
    expect(newOwnerCounts).toEqual([2, 1, 0]);
  });

  it('only events with flags or notes carry them; the rest share one list that refuses changes', () => {
    const packed = new PagePacker().pack({ eventIds: ['1', '2'], auditedAtMs: [1, 2], owners: [leads], ownerIndex: [0, 0], flags: [['x'], []], notes: [[], []], rawJsonEnds: [1, 2] });
    expect(packed.annotated).toEqual([{ index: 0, flags: ['x'], notes: [] }]);
    const page = new PageUnpacker().unpack(packed);
    expect(() => page.flags[1]!.push('y')).toThrow(TypeError);
  });

  it('a page whose columns differ in length is refused by name, not sent', () => {
    const packer = new PagePacker();
    expect(() => packer.pack({ eventIds: ['1', '2'], auditedAtMs: [1], owners: [leads], ownerIndex: [0, 0], flags: [[], []], notes: [[], []], rawJsonEnds: [1, 2] })).toThrow(expect.objectContaining({ code: 'EXPORT_PAGE_DAMAGED' }));
  });
});
