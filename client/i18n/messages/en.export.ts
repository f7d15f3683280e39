/**
 * English strings of exports, imports and versions (image, PDF, report, archive, versions).
 * Kept apart from en.ts so these screens can grow without touching the core strings;
 * en.ts merges them, so `t()` knows every key.
 */
export const enExport = {} as const
