/**
 * Latvian labels the journey-mapping kit writes onto a board and into reports: the same keys
 * as JOURNEY_LABELS_EN. Typed with every JourneyLabelKey, so a key added in English and not
 * here fails the typecheck. Register: polite plural "jūs", as in the interface
 * (client/i18n/messages/lv.ts).
 */
import type { JourneyLabelKey } from './labels.ts'

export const JOURNEY_LABELS_LV: Readonly<Record<JourneyLabelKey, string>> = {
  'card.kind.touchpoint': 'Saskarsmes punkts',
  'card.kind.painPoint': 'Problēmpunkts',
  'card.kind.idea': 'Ideja',
  'card.kind.question': 'Jautājums',
  'card.kind.quote': 'Citāts',
  'card.kind.plain': 'Piezīme',

  'template.journey.name': 'Iedzīvotāja klientu ceļa karte',
  'template.blueprint.name': 'Pakalpojuma shēma',
  'template.stakeholders.name': 'Ieinteresēto pušu karte',
  'template.persona.name': 'Persona un empātijas karte',

  'template.stage.discover': 'Informācijas meklēšana',
  'template.stage.apply': 'Pieteikšanās',
  'template.stage.wait': 'Lēmuma gaidīšana',
  'template.stage.receive': 'Pakalpojuma saņemšana',
  'template.stage.after': 'Pēc tam',
  'template.stage.new': 'Jauns posms',

  'template.journey.lane.actions': 'Iedzīvotāja darbības',
  'template.journey.lane.touchpoints': 'Saskarsmes punkti un kanāli',
  'template.journey.lane.frontstage': 'Redzamā daļa: ko dara darbinieki',
  'template.journey.lane.backstage': 'Aizkulises un atbalsts',
  'template.journey.lane.painPoints': 'Problēmpunkti',
  'template.journey.lane.ideas': 'Idejas un iespējas',
  'template.journey.lane.emotions': 'Emocijas',

  'template.blueprint.lane.evidence': 'Liecības: vēstules, veidlapas, tīmekļvietnes, vietas',
  'template.blueprint.lane.actions': 'Iedzīvotāja darbības',
  'template.blueprint.lane.frontstage': 'Redzamā daļa: ko darbinieki dara iedzīvotāja acu priekšā',
  'template.blueprint.lane.backstage': 'Aizkulises: ko darbinieki dara iedzīvotājam neredzami',
  'template.blueprint.lane.support': 'Atbalsta procesi un sistēmas',
  'template.blueprint.line.interaction': 'Mijiedarbības līnija',
  'template.blueprint.line.visibility': 'Redzamības līnija',
  'template.blueprint.line.internal': 'Iekšējās mijiedarbības līnija',

  'template.stakeholders.stage.lowInterest': 'Mazāk skarti vai ieinteresēti',
  'template.stakeholders.stage.highInterest': 'Vairāk skarti vai ieinteresēti',
  'template.stakeholders.lane.highInfluence': 'Lielāka ietekme',
  'template.stakeholders.lane.lowInfluence': 'Mazāka ietekme',
  'template.stakeholders.label.keepSatisfied': 'Rūpēties par viņu apmierinātību',
  'template.stakeholders.label.involveClosely': 'Cieši iesaistīt',
  'template.stakeholders.label.monitor': 'Sekot līdzi',
  'template.stakeholders.label.keepInformed': 'Pastāvīgi informēt',

  'template.persona.area.persona': 'Persona: kas šis cilvēks ir, viņa situācija un mērķi',
  'template.persona.area.says': 'Saka',
  'template.persona.area.thinks': 'Domā',
  'template.persona.area.does': 'Dara',
  'template.persona.area.feels': 'Jūt',

  'group.citizen': 'Iedzīvotāji',
  'group.official': 'Publiskā sektora darbinieki',
  'group.other': 'Citi',
  'group.undeclared': 'Grupa nav norādīta',

  'report.date': 'Datums',
  'report.column.map': 'Karte',
  'report.column.stage': 'Posms',
  'report.column.lane': 'Josla',
  'report.column.area': 'Zona',
  'report.column.kind': 'Veids',
  'report.column.text': 'Teksts',
  'report.column.votes': 'Balsis',
  'report.column.author': 'Autors',
  'report.looseCards': 'Kartītes ārpus kartēm',
  'report.noCards': 'Kartīšu vēl nav.',
  'report.cards': 'Kartītes',
  'report.untitledMap': 'Karte bez nosaukuma',
}
