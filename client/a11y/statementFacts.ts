/**
 * The facts the accessibility statement reports, kept apart from its wording: the date of
 * the assessment, and what the automated checks found inside tldraw's own interface (left
 * out of the checks that must pass, listed here rather than hidden). Update both when the
 * checks (tests/e2e/a11y.test.ts) are run again on a new version.
 */
import type { MessageKey } from '../i18n/messages/en.ts'

/** The day of the last assessment (ISO date). */
export const STATEMENT_DATE = '2026-11-29'

/** One axe-core rule broken in tldraw's parts, and the statement's words for it. */
export type TldrawFinding = { rule: string; message: MessageKey }

/** The serious and critical axe-core findings in tldraw's canvas and interface on that day. */
export const TLDRAW_FINDINGS: readonly TldrawFinding[] = []
