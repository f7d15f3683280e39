/**
 * Italian labels the journey-mapping kit writes onto a board and into reports: the same keys
 * as JOURNEY_LABELS_EN. Typed with every JourneyLabelKey, so a key added in English and not
 * here fails the typecheck. Register: "tu", as in the interface (client/i18n/messages/it.ts).
 */
import type { JourneyLabelKey } from './labels.ts'

export const JOURNEY_LABELS_IT: Readonly<Record<JourneyLabelKey, string>> = {
  'card.kind.touchpoint': 'Punto di contatto',
  'card.kind.painPoint': 'Criticità',
  'card.kind.idea': 'Idea',
  'card.kind.question': 'Domanda',
  'card.kind.quote': 'Citazione',
  'card.kind.plain': 'Nota',

  'template.journey.name': 'Mappa del percorso del cittadino',
  'template.blueprint.name': 'Service blueprint',
  'template.stakeholders.name': 'Mappa degli stakeholder',
  'template.persona.name': 'Persona e mappa dell’empatia',

  'template.stage.discover': 'Informarsi',
  'template.stage.apply': 'Presentare la domanda',
  'template.stage.wait': 'Attendere la decisione',
  'template.stage.receive': 'Ricevere il servizio',
  'template.stage.after': 'Dopo',
  'template.stage.new': 'Nuova fase',

  'template.journey.lane.actions': 'Azioni del cittadino',
  'template.journey.lane.touchpoints': 'Punti di contatto e canali',
  'template.journey.lane.frontstage': 'Front office: cosa fa il personale',
  'template.journey.lane.backstage': 'Back office e supporto',
  'template.journey.lane.painPoints': 'Criticità',
  'template.journey.lane.ideas': 'Idee e opportunità',
  'template.journey.lane.emotions': 'Emozioni',

  'template.blueprint.lane.evidence': 'Evidenze: lettere, moduli, siti web, luoghi',
  'template.blueprint.lane.actions': 'Azioni del cittadino',
  'template.blueprint.lane.frontstage': 'Front office: cosa fa il personale davanti al cittadino',
  'template.blueprint.lane.backstage': 'Back office: cosa fa il personale dietro le quinte',
  'template.blueprint.lane.support': 'Processi e sistemi di supporto',
  'template.blueprint.line.interaction': 'Linea di interazione',
  'template.blueprint.line.visibility': 'Linea di visibilità',
  'template.blueprint.line.internal': 'Linea di interazione interna',

  'template.stakeholders.stage.lowInterest': 'Meno coinvolti o interessati',
  'template.stakeholders.stage.highInterest': 'Più coinvolti o interessati',
  'template.stakeholders.lane.highInfluence': 'Più influenza',
  'template.stakeholders.lane.lowInfluence': 'Meno influenza',
  'template.stakeholders.label.keepSatisfied': 'Mantenere soddisfatti',
  'template.stakeholders.label.involveClosely': 'Coinvolgere da vicino',
  'template.stakeholders.label.monitor': 'Tenere d’occhio',
  'template.stakeholders.label.keepInformed': 'Tenere informati',

  'template.persona.area.persona': 'Persona: chi è, la sua situazione, i suoi obiettivi',
  'template.persona.area.says': 'Dice',
  'template.persona.area.thinks': 'Pensa',
  'template.persona.area.does': 'Fa',
  'template.persona.area.feels': 'Prova',

  'group.citizen': 'Cittadinanza',
  'group.official': 'Personale pubblico',
  'group.other': 'Altre persone',
  'group.undeclared': 'Gruppo non indicato',

  'report.date': 'Data',
  'report.column.map': 'Mappa',
  'report.column.stage': 'Fase',
  'report.column.lane': 'Riga',
  'report.column.area': 'Area',
  'report.column.kind': 'Tipo',
  'report.column.text': 'Testo',
  'report.column.votes': 'Voti',
  'report.column.author': 'Autore',
  'report.looseCards': 'Schede fuori da ogni mappa',
  'report.noCards': 'Ancora nessuna scheda.',
  'report.cards': 'Schede',
  'report.untitledMap': 'Mappa senza titolo',
}
