import type { ReviewFacets } from '../../preload/contract';
import { moduleLabel } from '../../preload/labels';

/**
 * The org's own module labels (Zoho's modules API, cached at each sync and carried by `review:facets`).
 * Kept once for the whole renderer so every table cell, chip and dialog names a module the same way;
 * before the facets arrive (or for a cache without labels) the built-in names of preload/labels apply.
 */
let zohoModuleLabels: Readonly<Record<string, string>> = {};

/** Facets as they arrive from main; returns them unchanged so it can sit in a promise chain. */
export function rememberModuleLabels(facets: ReviewFacets): ReviewFacets {
  zohoModuleLabels = facets.moduleLabels;
  return facets;
}

export function moduleName(apiName: string): string {
  return moduleLabel(apiName, zohoModuleLabels);
}
