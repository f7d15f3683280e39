/**
 * Spanish labels the journey-mapping kit writes onto a board and into reports: the same keys
 * as JOURNEY_LABELS_EN. Typed with every JourneyLabelKey, so a key added in English and not
 * here fails the typecheck. Register: "tú", as in the interface (client/i18n/messages/es.ts).
 */
import type { JourneyLabelKey } from './labels.ts'

export const JOURNEY_LABELS_ES: Readonly<Record<JourneyLabelKey, string>> = {
  'card.kind.touchpoint': 'Punto de contacto',
  'card.kind.painPoint': 'Punto de dolor',
  'card.kind.idea': 'Idea',
  'card.kind.question': 'Pregunta',
  'card.kind.quote': 'Cita',
  'card.kind.plain': 'Nota',

  'template.journey.name': 'Mapa del recorrido ciudadano (journey map)',
  'template.blueprint.name': 'Plano del servicio (service blueprint)',
  'template.stakeholders.name': 'Mapa de partes interesadas',
  'template.persona.name': 'Persona y mapa de empatía',

  'template.stage.discover': 'Informarse',
  'template.stage.apply': 'Solicitar',
  'template.stage.wait': 'Esperar la resolución',
  'template.stage.receive': 'Recibir el servicio',
  'template.stage.after': 'Después',
  'template.stage.new': 'Nueva etapa',

  'template.journey.lane.actions': 'Acciones de la ciudadanía',
  'template.journey.lane.touchpoints': 'Puntos de contacto y canales',
  'template.journey.lane.frontstage': 'Front office: lo que hace el personal público',
  'template.journey.lane.backstage': 'Back office y soporte',
  'template.journey.lane.painPoints': 'Puntos de dolor',
  'template.journey.lane.ideas': 'Ideas y oportunidades',
  'template.journey.lane.emotions': 'Emociones',

  'template.blueprint.lane.evidence': 'Evidencias: cartas, formularios, webs, lugares',
  'template.blueprint.lane.actions': 'Acciones de la ciudadanía',
  'template.blueprint.lane.frontstage': 'Front office: lo que hace el personal público a la vista de la ciudadanía',
  'template.blueprint.lane.backstage': 'Back office: lo que hace el personal público fuera de su vista',
  'template.blueprint.lane.support': 'Procesos y sistemas de soporte',
  'template.blueprint.line.interaction': 'Línea de interacción',
  'template.blueprint.line.visibility': 'Línea de visibilidad',
  'template.blueprint.line.internal': 'Línea de interacción interna',

  'template.stakeholders.stage.lowInterest': 'Menos afectación o interés',
  'template.stakeholders.stage.highInterest': 'Más afectación o interés',
  'template.stakeholders.lane.highInfluence': 'Más influencia',
  'template.stakeholders.lane.lowInfluence': 'Menos influencia',
  'template.stakeholders.label.keepSatisfied': 'Mantener satisfechas',
  'template.stakeholders.label.involveClosely': 'Implicar de cerca',
  'template.stakeholders.label.monitor': 'Vigilar',
  'template.stakeholders.label.keepInformed': 'Mantener informadas',

  'template.persona.area.persona': 'Persona: quién es, su situación, sus objetivos',
  'template.persona.area.says': 'Dice',
  'template.persona.area.thinks': 'Piensa',
  'template.persona.area.does': 'Hace',
  'template.persona.area.feels': 'Siente',

  'group.citizen': 'Ciudadanía',
  'group.official': 'Personal público',
  'group.other': 'Otras personas',
  'group.undeclared': 'Grupo no indicado',

  'report.date': 'Fecha',
  'report.column.map': 'Mapa',
  'report.column.stage': 'Etapa',
  'report.column.lane': 'Fila',
  'report.column.area': 'Área',
  'report.column.kind': 'Tipo',
  'report.column.text': 'Texto',
  'report.column.votes': 'Votos',
  'report.column.author': 'Autoría',
  'report.looseCards': 'Tarjetas fuera de cualquier mapa',
  'report.noCards': 'Aún no hay tarjetas.',
  'report.cards': 'Tarjetas',
  'report.untitledMap': 'Mapa sin título',
}
