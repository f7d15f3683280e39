/**
 * Defaults for every bound the server enforces. The server reads overrides from the
 * environment (see server/config.ts); the client only needs a few of them.
 */
export const DEFAULT_LIMITS = {
  /** Largest websocket frame accepted, in bytes. */
  maxPayloadBytes: 2 * 1024 * 1024,
  /** Largest board document (sum of stored updates before compaction), in bytes. */
  maxBoardBytes: 64 * 1024 * 1024,
  /** Connections one board accepts at once. */
  maxConnectionsPerBoard: 250,
  /** Connections one address may hold at once (a whole school behind one NAT still fits). */
  maxConnectionsPerAddress: 300,
  /** Largest title, in characters. */
  maxTitleLength: 200,
  /** Largest JSON body on the HTTP API, in bytes. */
  maxJsonBodyBytes: 16 * 1024,
  /** Seconds an empty board stays loaded after its last connection left. */
  unloadGraceSeconds: 10,
} as const
export type Limits = { -readonly [K in keyof typeof DEFAULT_LIMITS]: number }
