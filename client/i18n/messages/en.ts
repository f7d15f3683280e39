/**
 * English: the reference language. Every other language has exactly these keys.
 * `{name}` placeholders are filled by `t(key, { name })`.
 */
export const en = {
  'app.name': 'Co-design Board',
  'app.tagline': 'A live whiteboard for designing public services together with citizens.',
  'home.title.label': 'Board title',
  'home.title.placeholder': 'e.g. Library card renewal: journey map workshop',
  'home.create': 'Create board',
  'home.creating': 'Creating…',
  'home.error.empty': 'Give the board a title.',
  'home.error.failed': 'The board could not be created: {reason}',
  'home.explainer':
    'You will get a link for yourself as facilitator and a link to share with participants. Keep your facilitator link: it is the only way back in with full control.',
  'board.loading': 'Opening the board…',
  'board.notFound.title': 'Board not found',
  'board.notFound.body': 'There is no board at this address. Check the link you were given, or start a new board.',
  'board.invalidLink.title': 'This link is not valid',
  'board.invalidLink.body':
    'The link is incomplete or no longer works. Ask the facilitator of the session for a new link.',
  'board.error.title': 'The board could not be opened',
  'board.error.body': 'Something went wrong: {reason}. Try again in a moment.',
  'board.retry': 'Try again',
  'board.home': 'Start a new board',
  'board.schemaNewer':
    'This board was saved by a newer version of Co-design Board. Reload the page to keep working; until then it is read-only.',
  'board.reload': 'Reload',
  'board.invalidRecords': '{count} item(s) on this board could not be shown and were skipped.',
  'status.connecting': 'Connecting…',
  'status.online': 'Live',
  'status.saved': 'All changes saved',
  'status.saving': 'Saving…',
  'status.offline': 'Offline: your changes are kept and will be sent when the connection is back',
  'status.offline.pending.one': 'Offline: {count} change not yet sent',
  'status.offline.pending.other': 'Offline: {count} changes not yet sent',
  'status.offline.pending.help': 'Your changes are kept on this device and will be sent when the connection is back.',
  'status.closed': 'Disconnected: {reason}',
  'status.reason.unauthorized': 'this link is not valid',
  'status.reason.notFound': 'the board no longer exists',
  'status.reason.tooLarge': 'the board has reached its size limit',
  'status.reason.other': 'the server refused the connection',
  'name.title': 'Join the board',
  'name.label': 'Your name, as others will see it',
  'name.placeholder': 'e.g. Maria',
  'name.help': 'Your name and colour are shown to the other participants while you are here. They are not saved on the board unless you write them on it.',
  'name.submit': 'Join',
  'name.error.empty': 'Please enter a name.',
  'share.button': 'Share',
  'share.title': 'Share this board',
  'share.participant.label': 'Participant link',
  'share.participant.help': 'Anyone with this link can see and edit the board. Share it with the participants.',
  'share.facilitator.label': 'Your facilitator link',
  'share.facilitator.help': 'Keep this link for yourself: it gives full control of the board.',
  'share.unavailable':
    'The participant link is shown on the device that created the board. Ask the facilitator for it.',
  'share.copy': 'Copy',
  'share.copied': 'Copied',
  'share.close': 'Close',
  'role.facilitator': 'Facilitator',
  'role.editor': 'Participant',
  'role.viewer': 'Viewer',
  'language.label': 'Language',
  'upload.error.tooLarge': 'This file is too large to add to the board: the limit is {size}.',
  'upload.error.type':
    'This kind of file cannot be added to the board. Add a PNG, JPEG, GIF, WebP, AVIF or SVG image, or an MP4, MOV or WebM video.',
  'upload.error.forbidden': 'Your link does not allow adding files to this board.',
  'upload.error.failed': 'The file could not be added to the board. Check the connection and try again.',
} as const

export type MessageKey = keyof typeof en
export type Messages = Record<MessageKey, string>
