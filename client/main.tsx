/**
 * Client entry: mounts the app. In a language other than English, the first render waits for
 * that language, so the interface never shows in English first.
 */
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App.tsx'
import { ENGLISH, initialLocale, loadLanguage, type Language } from './i18n/I18nProvider.tsx'
import './ui/app.css'

const root = document.getElementById('root')
if (!root) throw new Error('#root missing from index.html')

const render = (language: Language) => {
  createRoot(root).render(
    <StrictMode>
      <App language={language} />
    </StrictMode>,
  )
}

const locale = initialLocale()
if (locale === 'en') render(ENGLISH)
else
  loadLanguage(locale).then(render, (error: unknown) => {
    console.warn(`Could not load the language ${locale}; showing English`, error)
    render(ENGLISH)
  })
