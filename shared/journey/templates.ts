/**
 * The templates a facilitator inserts: a citizen journey map, a service blueprint, a
 * stakeholder map and a persona / empathy map. Each is one tldraw frame whose meta
 * (`meta.codesign`, see mapMeta.ts) describes its stages, lanes or areas, containing locked
 * header, line and label shapes drawn from that meta (layout.ts). Labels are looked up with
 * the caller's `Translate`, so a template is inserted in the board's language; after that they
 * are the board's own text, renamed by the facilitator (mapEdits.ts), never re-translated.
 *
 * Ids come from the caller's factory (`createShapeId` in the client, a counter in tests), so
 * generation is deterministic.
 */
import type { TLFrameShape, TLParentId, TLShape, TLShapeId } from '@tldraw/tlschema'
import { META_KEY } from './cards.ts'
import { label, type JourneyLabelKey, type Translate } from './labels.ts'
import { indexKeyAt, layoutParts, partRecord } from './layout.ts'
import { MAP_META_VERSION, gridSize, type Area, type GridGeometry, type MapMeta } from './mapMeta.ts'

export const TemplateId = {
  journey: 'journey',
  blueprint: 'blueprint',
  stakeholders: 'stakeholders',
  persona: 'persona',
} as const
export type TemplateId = (typeof TemplateId)[keyof typeof TemplateId]

export const TEMPLATES: readonly TemplateId[] = [
  TemplateId.journey,
  TemplateId.blueprint,
  TemplateId.stakeholders,
  TemplateId.persona,
]

export function isTemplateId(value: unknown): value is TemplateId {
  return typeof value === 'string' && (TEMPLATES as readonly string[]).includes(value)
}

export const TEMPLATE_NAME_KEYS = {
  journey: 'template.journey.name',
  blueprint: 'template.blueprint.name',
  stakeholders: 'template.stakeholders.name',
  persona: 'template.persona.name',
} as const satisfies Record<TemplateId, JourneyLabelKey>

/** Stages of the life of a public service, shared by the journey map and the blueprint. */
const SERVICE_STAGES = ['discover', 'apply', 'wait', 'receive', 'after'] as const

const JOURNEY_LANES = ['actions', 'touchpoints', 'frontstage', 'backstage', 'painPoints', 'ideas', 'emotions'] as const
const BLUEPRINT_LANES = ['evidence', 'actions', 'frontstage', 'backstage', 'support'] as const

/** Room for two notes (200 wide) side by side in a cell, and a row of them with some air. */
const JOURNEY_GRID: GridGeometry = { headerW: 280, headerH: 120, colW: 520, rowH: 280 }
const STAKEHOLDER_GRID: GridGeometry = { headerW: 240, headerH: 110, colW: 960, rowH: 680 }

const PERSONA_AREAS: readonly (Omit<Area, 'label'> & { id: 'persona' | 'says' | 'thinks' | 'does' | 'feels' })[] = [
  { id: 'persona', x: 0, y: 0, w: 1800, h: 400 },
  { id: 'says', x: 0, y: 400, w: 900, h: 640 },
  { id: 'thinks', x: 900, y: 400, w: 900, h: 640 },
  { id: 'does', x: 0, y: 1040, w: 900, h: 640 },
  { id: 'feels', x: 900, y: 1040, w: 900, h: 640 },
]

/** The structure of a fresh template, with its labels in the language of `t`. */
export function templateMeta(template: TemplateId, t?: Translate): MapMeta {
  const stage = (id: (typeof SERVICE_STAGES)[number]) => ({ id, label: label(t, `template.stage.${id}`) })
  const base = { kind: 'map', version: MAP_META_VERSION, template } as const
  switch (template) {
    case 'journey':
      return {
        ...base,
        layout: 'grid',
        stages: SERVICE_STAGES.map(stage),
        lanes: JOURNEY_LANES.map((id) => ({ id, label: label(t, `template.journey.lane.${id}`) })),
        geometry: { ...JOURNEY_GRID },
        separators: [],
        cellLabels: [],
      }
    case 'blueprint':
      return {
        ...base,
        layout: 'grid',
        stages: SERVICE_STAGES.map(stage),
        lanes: BLUEPRINT_LANES.map((id) => ({ id, label: label(t, `template.blueprint.lane.${id}`) })),
        geometry: { ...JOURNEY_GRID },
        separators: [
          { id: 'interaction', label: label(t, 'template.blueprint.line.interaction'), aboveLane: 'frontstage' },
          { id: 'visibility', label: label(t, 'template.blueprint.line.visibility'), aboveLane: 'backstage' },
          { id: 'internal', label: label(t, 'template.blueprint.line.internal'), aboveLane: 'support' },
        ],
        cellLabels: [],
      }
    case 'stakeholders':
      return {
        ...base,
        layout: 'grid',
        stages: (['lowInterest', 'highInterest'] as const).map((id) => ({
          id,
          label: label(t, `template.stakeholders.stage.${id}`),
        })),
        lanes: (['highInfluence', 'lowInfluence'] as const).map((id) => ({
          id,
          label: label(t, `template.stakeholders.lane.${id}`),
        })),
        geometry: { ...STAKEHOLDER_GRID },
        separators: [],
        cellLabels: (
          [
            ['keepSatisfied', 'lowInterest', 'highInfluence'],
            ['involveClosely', 'highInterest', 'highInfluence'],
            ['monitor', 'lowInterest', 'lowInfluence'],
            ['keepInformed', 'highInterest', 'lowInfluence'],
          ] as const
        ).map(([id, stageId, laneId]) => ({
          id,
          label: label(t, `template.stakeholders.label.${id}`),
          stageId,
          laneId,
        })),
      }
    case 'persona':
      return {
        ...base,
        layout: 'areas',
        areas: PERSONA_AREAS.map((area) => ({ ...area, label: label(t, `template.persona.area.${area.id}`) })),
      }
  }
}

/** Width and height a map's frame needs (to find an empty spot before inserting it). */
export function mapSize(meta: MapMeta): { w: number; h: number } {
  if (meta.layout === 'grid') return gridSize(meta)
  return {
    w: Math.max(...meta.areas.map((a) => a.x + a.w)),
    h: Math.max(...meta.areas.map((a) => a.y + a.h)),
  }
}

export function templateSize(template: TemplateId): { w: number; h: number } {
  return mapSize(templateMeta(template))
}

export type CreateTemplateOptions = {
  /** Where the frame goes: usually the current page's id. */
  parentId: TLParentId
  /** Top-left corner of the frame, in the parent's coordinates. */
  x: number
  y: number
  /** Makes shape ids: `createShapeId` in the client, a counter in tests. */
  newId: () => TLShapeId
  /** Labels in the board's language; English when absent. */
  t?: Translate
  /** The frame's index among its siblings (above the topmost one); 'a1' when absent. */
  index?: TLShape['index']
}

/**
 * The records of a new map: its frame first, then the frame's locked parts. Put them in the
 * store in one transaction (`editor.createShapes` or `store.put`).
 */
export function createTemplate(template: TemplateId, options: CreateTemplateOptions): TLShape[] {
  const meta = templateMeta(template, options.t)
  return createMap(meta, label(options.t, TEMPLATE_NAME_KEYS[template]), options)
}

/** The records of a map drawn from any (valid) meta; `createTemplate` for the built-in ones. */
export function createMap(meta: MapMeta, name: string, options: CreateTemplateOptions): TLShape[] {
  const { w, h } = mapSize(meta)
  const frameId = options.newId()
  const frame: TLFrameShape = {
    id: frameId,
    typeName: 'shape',
    type: 'frame',
    x: options.x,
    y: options.y,
    rotation: 0,
    index: options.index ?? indexKeyAt(0),
    parentId: options.parentId,
    isLocked: false,
    opacity: 1,
    props: { w, h, name, color: 'black' },
    meta: { [META_KEY]: meta },
  }
  const parts = layoutParts(meta).map((spec, i) => partRecord(spec, options.newId(), frameId, indexKeyAt(i)))
  return [frame, ...parts]
}
