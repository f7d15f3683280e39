/**
 * The accessibility statement (/accessibility), as EU public bodies publish one for a service
 * (Directive (EU) 2016/2102, EN 301 549 / WCAG 2.1 AA): compliance status, the known limits
 * of the drawing canvas, the accessible ways to take part, how to report a problem, and how
 * the statement was prepared. Every word comes from the i18n layer (messages/en.a11y.ts).
 */
import { useEffect, useId, type ReactNode } from 'react'
import { useI18n } from '../i18n/I18nProvider.tsx'
import type { MessageKey } from '../i18n/messages/en.ts'
import { LanguagePicker } from '../ui/LanguagePicker.tsx'
import { STATEMENT_DATE, TLDRAW_FINDINGS } from './statementFacts.ts'

function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = useId()
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  )
}

function List({ keys }: { keys: readonly MessageKey[] }) {
  const { t } = useI18n()
  return (
    <ul>
      {keys.map((key) => (
        <li key={key}>{t(key)}</li>
      ))}
    </ul>
  )
}

export function AccessibilityStatement() {
  const { locale, t } = useI18n()
  useEffect(() => {
    document.title = `${t('a11y.title')} · ${t('app.name')}`
  }, [t])
  // A calendar date: formatted in UTC so no time zone moves it to the day before.
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(STATEMENT_DATE))
  const findings = TLDRAW_FINDINGS.length === 0 ? t('a11y.limits.tldraw.none') : TLDRAW_FINDINGS.map((finding) => t(finding.message)).join(' ')
  return (
    <main className="page page-statement" data-testid="accessibility-statement">
      <header className="home-header">
        <a href="/">{t('a11y.back')}</a>
        <LanguagePicker />
      </header>
      <h1>{t('a11y.title')}</h1>
      <p className="lead">{t('a11y.intro')}</p>

      <Section title={t('a11y.status.title')}>
        <p>{t('a11y.status.body')}</p>
      </Section>

      <Section title={t('a11y.limits.title')}>
        <h3>{t('a11y.limits.canvas.title')}</h3>
        <p>{t('a11y.limits.canvas.intro')}</p>
        <List
          keys={[
            'a11y.limits.canvas.drawing',
            'a11y.limits.canvas.spatial',
            'a11y.limits.canvas.drawings',
            'a11y.limits.canvas.colour',
            'a11y.limits.canvas.presence',
            'a11y.limits.canvas.zoom',
          ]}
        />
        <h3>{t('a11y.limits.tldraw.title')}</h3>
        <p>{t('a11y.limits.tldraw.intro')}</p>
        <List keys={['a11y.limits.tldraw.canvas', 'a11y.limits.tldraw.ui']} />
        <p data-testid="tldraw-findings">{t('a11y.limits.tldraw.found', { date, findings })}</p>
        <h3>{t('a11y.limits.language.title')}</h3>
        <p>{t('a11y.limits.language.body')}</p>
      </Section>

      <Section title={t('a11y.alternatives.title')}>
        <p>{t('a11y.alternatives.intro')}</p>
        <List
          keys={[
            'a11y.alternatives.outline',
            'a11y.alternatives.people',
            'a11y.alternatives.keyboard',
            'a11y.alternatives.announcements',
            'a11y.alternatives.motion',
            'a11y.alternatives.help',
          ]}
        />
      </Section>

      <Section title={t('a11y.feedback.title')}>
        <p>{t('a11y.feedback.body')}</p>
        <h3>{t('a11y.enforcement.title')}</h3>
        <p>{t('a11y.enforcement.body')}</p>
      </Section>

      <Section title={t('a11y.method.title')}>
        <p>{t('a11y.method.body', { date })}</p>
        <p>{t('a11y.method.review')}</p>
      </Section>
    </main>
  )
}
