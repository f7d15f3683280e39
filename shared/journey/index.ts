/**
 * The journey-mapping kit's public face: card kinds, templates and their edits, the map read
 * back as data, dot voting, and reports. Pure: no DOM, no node, no editor.
 */
export * from './cards.ts'
export * from './labels.ts'
export * from './mapMeta.ts'
export * from './templates.ts'
export * from './mapEdits.ts'
export * from './model.ts'
export * from './votes.ts'
export * from './report.ts'
export { richTextToPlain } from './richText.ts'
export * from './boardReport.ts'
export * from './timer.ts'
