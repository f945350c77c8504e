import { describe, expect, it } from 'vitest';
import type { ReviewFacets } from '../../../preload/contract';
import { moduleName, rememberModuleLabels } from '../../../renderer/components/module-names';

describe('module names in the renderer', () => {
  it('use the built-in names until the facets bring the org’s own labels, then those', () => {
    expect(moduleName('Site_Inspections')).toBe('Site Inspections');
    expect(moduleName('Events')).toBe('Meetings');
    const facets = { moduleLabels: { Site_Inspections: 'Site inspections', Events: 'Appointments with clients' } } as unknown as ReviewFacets;
    expect(rememberModuleLabels(facets)).toBe(facets);
    expect(moduleName('Site_Inspections')).toBe('Site inspections');
    expect(moduleName('Events')).toBe('Appointments with clients');
    expect(moduleName('Deals')).toBe('Deals');
  });
});
