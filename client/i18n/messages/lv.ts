/**
 * Latvian. Keys missing here show in English until translated.
 */
import type { Messages } from './en.ts'

export const lv: Partial<Messages> = {
  'app.name': 'Co-design Board',
}
