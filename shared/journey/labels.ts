/**
 * Every piece of text the journey-mapping kit puts on a board or into a report, as i18n keys
 * with their English defaults. The client's catalog copies these keys (same names) so
 * templates are inserted in the board's language; the server's export uses the English table
 * or a catalog it is given. Functions here take a `Translate` and never hold a language.
 */

export const JOURNEY_LABELS_EN = {
  'card.kind.touchpoint': 'Touchpoint',
  'card.kind.painPoint': 'Pain point',
  'card.kind.idea': 'Idea',
  'card.kind.question': 'Question',
  'card.kind.quote': 'Quote',
  'card.kind.plain': 'Note',

  'template.journey.name': 'Citizen journey map',
  'template.blueprint.name': 'Service blueprint',
  'template.stakeholders.name': 'Stakeholder map',
  'template.persona.name': 'Persona and empathy map',

  // Stages shared by the journey map and the blueprint: the life of a typical public service.
  'template.stage.discover': 'Finding out',
  'template.stage.apply': 'Applying',
  'template.stage.wait': 'Waiting for a decision',
  'template.stage.receive': 'Receiving the service',
  'template.stage.after': 'Afterwards',
  /** The label a stage added by the facilitator starts with. */
  'template.stage.new': 'New stage',

  'template.journey.lane.actions': 'Citizen actions',
  'template.journey.lane.touchpoints': 'Touchpoints and channels',
  'template.journey.lane.frontstage': 'Frontstage: what officials do',
  'template.journey.lane.backstage': 'Backstage and support',
  'template.journey.lane.painPoints': 'Pain points',
  'template.journey.lane.ideas': 'Ideas and opportunities',
  'template.journey.lane.emotions': 'Emotions',

  'template.blueprint.lane.evidence': 'Evidence: letters, forms, websites, places',
  'template.blueprint.lane.actions': 'Citizen actions',
  'template.blueprint.lane.frontstage': 'Frontstage: what officials do in view of the citizen',
  'template.blueprint.lane.backstage': 'Backstage: what officials do out of sight',
  'template.blueprint.lane.support': 'Support processes and systems',
  'template.blueprint.line.interaction': 'Line of interaction',
  'template.blueprint.line.visibility': 'Line of visibility',
  'template.blueprint.line.internal': 'Line of internal interaction',

  'template.stakeholders.stage.lowInterest': 'Less affected or interested',
  'template.stakeholders.stage.highInterest': 'More affected or interested',
  'template.stakeholders.lane.highInfluence': 'More influence',
  'template.stakeholders.lane.lowInfluence': 'Less influence',
  'template.stakeholders.label.keepSatisfied': 'Keep satisfied',
  'template.stakeholders.label.involveClosely': 'Involve closely',
  'template.stakeholders.label.monitor': 'Keep an eye on',
  'template.stakeholders.label.keepInformed': 'Keep informed',

  'template.persona.area.persona': 'Persona: who they are, their situation, their goals',
  'template.persona.area.says': 'Says',
  'template.persona.area.thinks': 'Thinks',
  'template.persona.area.does': 'Does',
  'template.persona.area.feels': 'Feels',

  'group.citizen': 'Citizens',
  'group.official': 'Officials',
  'group.other': 'Others',
  'group.undeclared': 'Group not given',

  'report.date': 'Date',
  'report.column.map': 'Map',
  'report.column.stage': 'Stage',
  'report.column.lane': 'Lane',
  'report.column.area': 'Area',
  'report.column.kind': 'Kind',
  'report.column.text': 'Text',
  'report.column.votes': 'Votes',
  'report.column.author': 'Author',
  'report.looseCards': 'Cards outside any map',
  'report.noCards': 'No cards yet.',
  'report.cards': 'Cards',
  'report.untitledMap': 'Untitled map',
} as const

export type JourneyLabelKey = keyof typeof JOURNEY_LABELS_EN

/**
 * Looks up a label. The client passes its `t` (a function accepting any string key is
 * assignable here); an empty or missing answer falls back to English.
 */
export type Translate = (key: JourneyLabelKey) => string

export const translateEn: Translate = (key) => JOURNEY_LABELS_EN[key]

/** Calls `t`, falling back to English when its answer is empty or not a string. */
export function label(t: Translate | undefined, key: JourneyLabelKey): string {
  const value = t ? t(key) : undefined
  return typeof value === 'string' && value !== '' ? value : JOURNEY_LABELS_EN[key]
}
