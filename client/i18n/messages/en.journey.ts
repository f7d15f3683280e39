/**
 * English strings of the journey-mapping kit (templates, card kinds, voting, timer, outline).
 * Kept apart from en.ts so the kit's screens can grow without touching the core strings;
 * en.ts merges them, so `t()` knows every key.
 */
export const enJourney = {} as const
