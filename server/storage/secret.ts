/**
 * The server's own secret: 32 random bytes, made once and kept in DATA_DIR/secret (mode 0600).
 * It signs the cookie that lets a browser read a board's assets (server/http/assets.ts); a
 * new secret only means browsers ask for a new cookie when they next open a board.
 */
import { randomBytes } from 'node:crypto'
import { link, open, readFile, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { StorageError } from './DocumentStore.ts'

const SECRET_BYTES = 32

/** Reads the secret in `file`, creating it first if there is none. */
export async function loadOrCreateSecret(file: string): Promise<Buffer> {
  const existing = await readSecret(file)
  if (existing) return existing
  const secret = randomBytes(SECRET_BYTES)
  // Written in full and fsynced under a temporary name, then linked into place: a crash never
  // leaves an empty secret, and `link` fails if another process got there first.
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    const handle = await open(temp, 'wx', 0o600)
    try {
      await handle.writeFile(`${secret.toString('hex')}\n`, 'utf8')
      await handle.sync()
    } finally {
      await handle.close()
    }
    try {
      await link(temp, file)
    } catch (error) {
      if (!isErrno(error, 'EEXIST')) throw error
      const theirs = await readSecret(file)
      if (theirs) return theirs
      throw error
    }
    await syncDirectory(dirname(file))
    return secret
  } catch (error) {
    if (error instanceof StorageError) throw error
    throw new StorageError('io', `could not create ${file}`, { cause: error })
  } finally {
    await rm(temp, { force: true })
  }
}

/**
 * `loadOrCreateSecret` once: later calls share the result. A failure is not remembered, so
 * the next call tries again (a full disk can be freed).
 */
export function lazySecret(file: string): () => Promise<Buffer> {
  let loading: Promise<Buffer> | undefined
  return () => {
    loading ??= loadOrCreateSecret(file).catch((error: unknown) => {
      loading = undefined
      throw error
    })
    return loading
  }
}

async function readSecret(file: string): Promise<Buffer | undefined> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined
    throw new StorageError('io', `could not read ${file}`, { cause: error })
  }
  const hex = text.trim()
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new StorageError('corrupt', `${file} does not hold a 32-byte hex secret`)
  return Buffer.from(hex, 'hex')
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } catch (error) {
    // Some platforms cannot fsync a directory; there the file is as durable as it can be made.
    if (!isErrno(error, 'EPERM') && !isErrno(error, 'EINVAL') && !isErrno(error, 'EISDIR')) throw error
  } finally {
    await handle.close()
  }
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code
}
