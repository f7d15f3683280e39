/** A labelled language select; the choice is remembered on the device. */
import { useId } from 'react'
import { useI18n } from '../i18n/I18nProvider.tsx'
import { LOCALES, LOCALE_NAMES, isLocale } from '../i18n/locales.ts'

export function LanguagePicker() {
  const { locale, setLocale, t } = useI18n()
  const id = useId()
  return (
    <span className="language-picker">
      <label htmlFor={id}>{t('language.label')}</label>
      <select
        id={id}
        value={locale}
        onChange={(event) => {
          if (isLocale(event.target.value)) setLocale(event.target.value)
        }}
      >
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {LOCALE_NAMES[l]}
          </option>
        ))}
      </select>
    </span>
  )
}
