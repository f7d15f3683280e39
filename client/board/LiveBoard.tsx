/**
 * The live board: a tldraw editor whose document is bound to the board's Y.Doc and whose
 * presence goes over Yjs awareness. The editor appears once the first sync with the server
 * is done, so a late joiner never shows (or seeds) a blank board over the real one; or, when
 * the server does not answer, from the copy of the board kept on this device (boardConnection.ts).
 *
 * The role and the board's settings (lock, title, groups, notice) come from the server: first
 * from the board's info, then from the state it pushes on the connection. The editor is
 * read-only for viewers, for participants while the board is locked, and once disconnected for good.
 */
import { useEffect, useMemo, useRef, useState } from 'react'
import {
  DefaultSharePanel,
  Tldraw,
  atom,
  createTLStore,
  defaultBindingUtils,
  defaultShapeUtils,
  type Editor,
  type TLComponents,
  type TLCurrentUser,
  type TLStoreWithStatus,
  type TLUserPreferences,
} from 'tldraw'
import { getAssetUrlsByImport } from '@tldraw/assets/imports.vite'
import 'tldraw/tldraw.css'
import { DEFAULT_LIMITS } from '../../shared/limits.ts'
import { boardPath } from '../../shared/ids.ts'
import type { Role } from '../../shared/roles.ts'
import type { BoardSettings, Group } from '../../shared/session.ts'
import { useI18n } from '../i18n/I18nProvider.tsx'
import { TLDRAW_LOCALE } from '../i18n/tldraw/tldrawLocale.ts'
import { bindStoreToYDoc } from '../sync/bindStore.ts'
import { bindPresence, type PresenceUser } from '../sync/presence.ts'
import { createBoardAssetStore } from './assetStore.ts'
import { usePeople } from '../facilitation/usePeople.ts'
import { connectBoard, type BoardConnection, type ConnectionStatus } from './boardConnection.ts'
import { saveUser, recallLinks, rememberLinks, type LocalUser, type StoredLinks } from './identity.ts'
import { BoardContext, type BoardContextValue } from './boardContext.ts'
import { BoardControls } from './BoardControls.tsx'
import { BoardOverlay } from './BoardOverlay.tsx'
import { SessionAnnouncer } from '../facilitation/SessionAnnouncer.tsx'
import { JourneyKit } from '../journey/JourneyKit.tsx'
import type { BoardPrefetch } from './boardPrefetch.ts'

/** Icons, fonts and translations served by us, never fetched from tldraw's CDN. */
const assetUrls = getAssetUrlsByImport()

const components: TLComponents = {
  SharePanel: () => (
    <div className="board-share-panel">
      <BoardControls />
      <DefaultSharePanel />
    </div>
  ),
}

type Props = {
  boardId: string
  boardKey: string
  /** As the board's info said; the server's pushed state has the last word. */
  role: Role
  settings: BoardSettings
  user: LocalUser
  /** The group declared for this board, if it asked and the person said. */
  group: Group | null
  /** The connection opened while the code loaded (main.tsx), taken over if it is this board's. */
  prefetch?: BoardPrefetch | null
}

/** The links this device knows, with the facilitator's own (the link they opened) remembered. */
function initialLinks(boardId: string, boardKey: string, role: Role): StoredLinks {
  const links = recallLinks(boardId)
  if (role !== 'facilitator' || links.facilitator) return links
  const withOwn = { ...links, facilitator: boardPath(boardId, boardKey) }
  rememberLinks(boardId, withOwn)
  return withOwn
}

export function LiveBoard({ boardId, boardKey, role: initialRole, settings: initialSettings, user, group, prefetch = null }: Props) {
  const { locale, t, tldrawOverrides } = useI18n()
  const [role, setRole] = useState<Role>(initialRole)
  const [settings, setSettings] = useState<BoardSettings>(initialSettings)
  const [links, setLinks] = useState<StoredLinks>(() => initialLinks(boardId, boardKey, initialRole))
  const [peopleOpen, setPeopleOpen] = useState(false)
  const [storeWithStatus, setStoreWithStatus] = useState<TLStoreWithStatus>({ status: 'loading' })
  const [connection, setConnection] = useState<BoardConnection | null>(null)
  const [status, setStatus] = useState<ConnectionStatus>({ kind: 'connecting' })
  const [invalidRecords, setInvalidRecords] = useState(0)
  const [schemaNewer, setSchemaNewer] = useState(false)
  const [editor, setEditor] = useState<Editor | null>(null)
  // The server's upload limit, for tldraw's own "file too big" message. tldraw reads it once,
  // when the editor mounts (normally after the asset session has answered); the asset store
  // checks the server's limit again before each upload either way.
  const [maxUploadBytes, setMaxUploadBytes] = useState<number>(DEFAULT_LIMITS.maxUploadBytes)
  // Upload errors are worded in the current language without reopening the board on a change.
  const tRef = useRef(t)
  useEffect(() => {
    tRef.current = t
  }, [t])

  // One atom for who we are: read by tldraw (our own id, name, colour) and by presence.
  const [user$] = useState(() =>
    atom<PresenceUser>('codesign.user', { id: user.id, name: user.name, color: user.color, ...(group ? { group } : {}) }),
  )
  const [preferences$] = useState(() =>
    atom<TLUserPreferences>('codesign.preferences', { id: user.id, name: user.name, color: user.color, locale: TLDRAW_LOCALE[locale] }),
  )
  useEffect(() => {
    preferences$.update((p) => ({ ...p, locale: TLDRAW_LOCALE[locale] }))
  }, [locale, preferences$])
  const currentUser = useMemo<TLCurrentUser>(
    () => ({
      userPreferences: preferences$,
      setUserPreferences: (next) => {
        preferences$.set(next)
        const name = next.name?.trim()
        if (name) {
          user$.update((u) => ({ ...u, name }))
          saveUser({ id: user.id, name, color: next.color ?? user.color })
        }
      },
    }),
    [preferences$, user$, user.id, user.color],
  )

  useEffect(() => {
    const conn = prefetch?.takeConnection(boardId, boardKey) ?? connectBoard({ boardId, key: boardKey })
    const skipped = new Set<string>()
    // Uploads go to the server; the document only carries their URLs, never data: URLs.
    const assets = createBoardAssetStore(boardId, boardKey, { t: (key, values) => tRef.current(key, values) })
    const store = createTLStore({ shapeUtils: defaultShapeUtils, bindingUtils: defaultBindingUtils, assets: assets.store })
    const binding = bindStoreToYDoc(store, conn.doc, {
      onInvalidRecord: (info) => {
        console.warn('Skipped a record that could not be read', info)
        // Counted once per record, however often it arrives again.
        skipped.add(info.id)
        setInvalidRecords(skipped.size)
      },
      onDocSchemaNewer: () => setSchemaNewer(true),
    })
    let cancelled = false
    void assets.init().then((info) => {
      if (!cancelled) setMaxUploadBytes(info.maxUploadBytes)
    })
    setConnection(conn)
    setStatus(conn.getStatus())
    const offStatus = conn.onStatus(setStatus)
    const onBoardState = ({ role: nextRole, ...nextSettings }: BoardSettings & { role: Role }) => {
      setRole(nextRole)
      setSettings(nextSettings)
    }
    const offBoardState = conn.onBoardState(onBoardState)
    // A connection opened early may have had the board's state pushed already.
    const known = conn.getBoardState()
    if (known) onBoardState(known)
    // Shown once the server has synced (seeding an empty board then), or from this device's
    // copy when the server does not answer: that copy is in the doc, so the binding is already
    // live with it and seeds nothing; the server's state merges in when it answers.
    void conn.ready.then((source) => {
      if (cancelled) return
      if (source === 'server') binding.seedIfEmpty()
      setStoreWithStatus({ status: 'synced-remote', connectionStatus: 'online', store })
    })
    // A closing tab gets no more frames: write the last edits to the doc (and so to the
    // device's copy) now.
    const onPageHide = () => binding.flush()
    window.addEventListener('pagehide', onPageHide)
    return () => {
      cancelled = true
      window.removeEventListener('pagehide', onPageHide)
      offStatus()
      offBoardState()
      binding.dispose()
      conn.destroy()
      store.dispose()
      setConnection(null)
      setStoreWithStatus({ status: 'loading' })
    }
  }, [boardId, boardKey, prefetch])

  useEffect(() => {
    if (!editor || !connection) return
    const presence = bindPresence(editor, connection.provider.awareness, user$)
    return () => presence.dispose()
  }, [editor, connection, user$])

  const awareness = connection?.provider.awareness ?? null
  // The server stamps the role on our presence anyway; saying it ourselves spares it rewriting
  // every presence update we send.
  useEffect(() => {
    awareness?.setLocalStateField('role', role)
  }, [awareness, role])
  const people = usePeople(awareness, role)

  const title = settings.title
  useEffect(() => {
    document.title = `${title} · ${t('app.name')}`
  }, [title, t])

  const readOnly = role === 'viewer' || (role === 'editor' && settings.locked) || schemaNewer || status.kind === 'closed'
  useEffect(() => {
    if (!editor) return
    if (readOnly && !editor.getIsReadonly()) {
      // Drop what was being drawn: the server would refuse it now anyway.
      editor.cancel()
      editor.setCurrentTool('select')
    }
    editor.updateInstanceState({ isReadonly: readOnly })
  }, [editor, readOnly])

  const context = useMemo<BoardContextValue>(
    () => ({
      boardId,
      boardKey,
      role,
      settings,
      status,
      links,
      invalidRecords,
      schemaNewer,
      people,
      awareness,
      editor,
      peopleOpen,
      setPeopleOpen,
      applySettings: setSettings,
      setLinks,
      eraseDeviceCopy: () => connection?.eraseDeviceCopy() ?? Promise.resolve(),
    }),
    [boardId, boardKey, role, settings, status, links, invalidRecords, schemaNewer, people, awareness, editor, peopleOpen, connection],
  )

  return (
    <BoardContext.Provider value={context}>
      <div className="board-root" data-testid="board" data-status={status.kind} data-readonly={readOnly}>
        <Tldraw
          store={storeWithStatus}
          assetUrls={assetUrls}
          overrides={tldrawOverrides}
          maxAssetSize={maxUploadBytes}
          user={currentUser}
          components={components}
          onMount={(mounted) => {
            setEditor(mounted)
            return () => setEditor(null)
          }}
        />
        <BoardOverlay />
        {connection && <SessionAnnouncer people={people} doc={connection.doc} />}
        {editor && connection && (
          <JourneyKit
            editor={editor}
            doc={connection.doc}
            awareness={connection.provider.awareness}
            role={role}
            readOnly={readOnly}
            user={{ id: user.id, name: user.name, ...(group ? { group } : {}) }}
            serverNow={connection.serverNow}
          />
        )}
      </div>
    </BoardContext.Provider>
  )
}
