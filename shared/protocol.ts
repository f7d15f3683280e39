/**
 * Wire protocol between the client and the server: the websocket path, how the key is
 * presented, message tags (the standard y-websocket ones plus ours) and close codes.
 */

/** Bumped when the client and server stop understanding each other. */
export const PROTOCOL_VERSION = 1

/** The websocket path of a board: `/ws/<boardId>`. */
export const WS_PREFIX = '/ws/'

/**
 * The key is sent as a websocket subprotocol (`Sec-WebSocket-Protocol`), never in the URL,
 * so it cannot end up in an access log or a proxy's log. The server picks SUBPROTOCOL back.
 */
export const SUBPROTOCOL = `codesign.v${PROTOCOL_VERSION}`
export const KEY_SUBPROTOCOL_PREFIX = 'k.'

/** Message tags: the first varint of every frame. 0-3 are y-websocket's own. */
export const MessageType = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
  /**
   * Ours: the server tells a connection that everything up to this state vector is stored
   * durably. Payload: a varUint8Array with `Y.encodeStateVector` of the stored document.
   * Clients compare it to their own state to show "all changes saved".
   */
  saved: 100,
  /**
   * Ours: the board's session state as the server enforces it (see shared/session.ts
   * BoardState), as a varString of JSON. Sent on connect and whenever it changes.
   */
  boardState: 101,
  /**
   * Ours: the server's clock (varUint, ms since epoch), sent on connect and with every
   * keepalive, so everyone computes the same remaining time on a timer whatever their clock.
   */
  serverTime: 102,
} as const
export type MessageType = (typeof MessageType)[keyof typeof MessageType]

/** y-protocols' auth sub-message: 0 = permission denied (followed by a reason string). */
export const AUTH_PERMISSION_DENIED = 0

/**
 * Close codes. 4000-4999 are free for applications. We follow y-websocket's convention:
 * 4400-4499 mirror HTTP 4xx (a decision reconnecting cannot fix: the client stops), every
 * other code is transient and the client reconnects with backoff.
 */
export const CloseCode = {
  /** Server shutting down; the client reconnects. */
  goingAway: 1001,
  /** ws's own code when a frame exceeds maxPayload; the client reconnects. */
  messageTooBig: 1009,
  /** A frame that cannot be decoded, or a message type we don't know. */
  badMessage: 4400,
  /** No key, or a key that is not one of this board's. */
  unauthorized: 4401,
  /** The facilitator replaced the link this connection used. */
  linkRevoked: 4403,
  /** The board does not exist. */
  boardNotFound: 4404,
  /** The facilitator deleted the board. */
  boardDeleted: 4410,
  /** The board is bigger than the configured limit: no more updates accepted. */
  boardTooLarge: 4413,
  /** The server could not load or store the board. */
  serverError: 4500,
  /** Too many connections to this board or from this address. */
  tooManyConnections: 4503,
  /** The socket's send buffer outgrew its bound: the client could not keep up. */
  tooSlow: 4508,
  /** Exceeded a rate limit (messages or bytes per second). */
  rateLimited: 4529,
} as const
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode]

/** Codes after which reconnecting would only fail again (y-websocket stops on these). */
export function isFatalCloseCode(code: number): boolean {
  return code >= 4400 && code < 4500
}

/** Names of the shared types in a board's Y.Doc. */
export const DocKeys = {
  /** Y.Array used by YKeyValue: every tldraw document record, keyed by record id. */
  records: 'records',
  /** Y.Map: board-level metadata such as the tldraw schema the document was written with. */
  meta: 'meta',
  /**
   * Y.Map of plain JSON values: the session a facilitator runs (the vote, the timer).
   * Only a facilitator's connection may change it; the server undoes anyone else's change.
   */
  session: 'session',
  /** Y.Map of plain JSON values: each person's dots in the current vote, keyed by voter id. */
  ballots: 'ballots',
  /**
   * Y.Map of Y.Text, keyed by shape id: the segments (JSON) of a draw or highlight shape while
   * it is being drawn, written as small edits per frame instead of the whole record. The
   * record's entry in `records` holds everything else; read both through shared/docRecords.ts.
   */
  strokes: 'strokes',
} as const
