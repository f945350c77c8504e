import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REVIEW_FLAGS } from '../../../preload/contract.js';
import { actionLabel, FLAG_LABELS, humanizeCode, moduleLabel, SOURCE_LABELS, sourceLabel } from '../../../preload/labels.js';

describe('plain-language labels', () => {
  it('names every source the Timeline API documents, and no label is the raw code', () => {
    const reference = readFileSync(new URL('../../../../shared/zoho/timeline-api.md', import.meta.url), 'utf8');
    const documented = /The possible values include ([^.]+)\./
      .exec(reference)?.[1]
      ?.split(',')
      .map((value) => value.trim());
    expect(documented).toHaveLength(23);
    for (const source of documented!) {
      expect(SOURCE_LABELS[source], source).toBeDefined();
      expect(sourceLabel(source)).not.toBe(source);
    }
  });

  it('gives each flag one label, distinct from the others', () => {
    const labels = REVIEW_FLAGS.map((flag) => FLAG_LABELS[flag]);
    expect(new Set(labels).size).toBe(REVIEW_FLAGS.length);
  });

  it('reads unknown codes as words, and prefers the label Zoho gave a module', () => {
    expect(actionLabel('relatedrecords_added')).toBe('Related record added');
    expect(actionLabel('field_locked_by_rule')).toBe('Field locked by rule');
    expect(moduleLabel('Events')).toBe('Meetings');
    expect(moduleLabel('Services__s')).toBe('Services');
    expect(moduleLabel('Services__s', { Services__s: 'Field services' })).toBe('Field services');
    expect(humanizeCode('__')).toBe('__');
    expect(sourceLabel(null)).toBe('No source');
  });
});
