/**
 * Spanish. Keys missing here show in English until translated.
 */
import type { Messages } from './en.ts'

export const es: Partial<Messages> = {
  'app.name': 'Co-design Board',
}
