/**
 * Plain tldraw, for the client scenario (bench only, never shipped): the same tldraw version,
 * shape utils and self-hosted assets as the app, and nothing else. With `?records=<url>` it
 * fetches those records, puts them into a fresh store and then mounts the editor on it, which
 * is how the app shows a board too (its binding fills the store before the editor mounts), so
 * the time to show them is what tldraw alone needs. The editor is left on `window` for the
 * benchmark to drive.
 */
import { createRoot } from 'react-dom/client'
import { Tldraw, createTLStore, defaultBindingUtils, defaultShapeUtils, type Editor, type TLRecord } from 'tldraw'
import { getAssetUrlsByImport } from '@tldraw/assets/imports.vite'
import 'tldraw/tldraw.css'

declare global {
  interface Window {
    __benchEditor?: Editor
  }
}

const assetUrls = getAssetUrlsByImport()

async function main(): Promise<void> {
  const store = createTLStore({ shapeUtils: defaultShapeUtils, bindingUtils: defaultBindingUtils })
  const recordsUrl = new URLSearchParams(window.location.search).get('records')
  if (recordsUrl) {
    const records = (await (await fetch(recordsUrl)).json()) as TLRecord[]
    store.put(records)
  }
  const root = document.getElementById('root')
  if (!root) throw new Error('no #root')
  createRoot(root).render(
    <Tldraw
      store={store}
      assetUrls={assetUrls}
      onMount={(editor) => {
        window.__benchEditor = editor
      }}
    />,
  )
}

void main()
