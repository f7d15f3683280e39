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
  /** Largest uploaded image or video, in bytes (HTTP 413 past it). */
  maxUploadBytes: 10 * 1024 * 1024,
  /** Seconds an empty board stays loaded after its last connection left. */
  unloadGraceSeconds: 10,
  /**
   * Messages a connection may send per second, sustained (a token bucket twice this deep
   * absorbs bursts such as a reconnect). A drag sends about 60 a second plus presence at 20.
   */
  maxMessagesPerSecond: 300,
  /** Bytes a connection may send per second, sustained; the bucket holds 2 frames' worth more. */
  maxBytesPerSecond: 1024 * 1024,
  /** Largest awareness (presence) message; a larger one is dropped, not forwarded. */
  maxAwarenessBytes: 64 * 1024,
  /**
   * Unsent bytes a connection may have queued before it is disconnected as too slow (code
   * 4508), on top of the board's initial state, which a joining client receives at once.
   */
  maxSendBufferBytes: 16 * 1024 * 1024,
  /**
   * A board's update log is compacted into one state once it outgrows this many bytes, half
   * the compacted state, and the bytes compression saved on that state (see Room.maybeCompact):
   * compaction work stays proportional to editing, the stored board within about its state.
   */
  compactionMinBytes: 64 * 1024,
  /** Boards one address may create per hour. */
  maxBoardCreationsPerHour: 30,
  /** Attempts with a wrong key one address may make per minute before being refused (429 / 4529). */
  maxFailedKeyAttemptsPerMinute: 20,
} as const
export type Limits = { -readonly [K in keyof typeof DEFAULT_LIMITS]: number }
