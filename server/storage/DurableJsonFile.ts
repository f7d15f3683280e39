/**
 * A lowdb adapter that writes a JSON file so that it survives power loss, not only a crash.
 *
 * lowdb's own JSONFile (through steno) writes a temporary file and renames it over the old
 * one, which is atomic against kill -9 but never fsyncs: after a power cut the rename can be
 * on disk while the data is not, leaving an empty registry and every board's keys gone. This
 * adapter fsyncs the temporary file before the rename and the directory after it. Writes
 * must not overlap; the registry serializes them.
 */
import { open, readFile, rename } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { Adapter } from 'lowdb'
import { StorageError } from './DocumentStore.ts'

export class DurableJsonFile<T> implements Adapter<T> {
  private readonly tempFile: string

  constructor(private readonly file: string) {
    this.tempFile = join(dirname(file), `.${basename(file)}.tmp`)
  }

  async read(): Promise<T | null> {
    let text: string
    try {
      text = await readFile(this.file, 'utf8')
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return null
      throw new StorageError('io', `could not read ${this.file}`, { cause: error })
    }
    try {
      return JSON.parse(text) as T
    } catch (cause) {
      throw new StorageError('corrupt', `${this.file} is not valid JSON`, { cause })
    }
  }

  async write(data: T): Promise<void> {
    try {
      const handle = await open(this.tempFile, 'w')
      try {
        // Indented: the registry is meant to be read by people too.
        await handle.writeFile(`${JSON.stringify(data, null, 2)}\n`, 'utf8')
        await handle.sync()
      } finally {
        await handle.close()
      }
      await rename(this.tempFile, this.file)
      await syncDirectory(dirname(this.file))
    } catch (cause) {
      throw new StorageError('io', `could not write ${this.file}`, { cause })
    }
  }
}

/** Makes a rename in `dir` durable. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } catch (error) {
    // Some platforms cannot fsync a directory (Windows: EPERM, some file systems: EINVAL);
    // there the rename is as durable as it can be made.
    if (!isErrno(error, 'EPERM') && !isErrno(error, 'EINVAL') && !isErrno(error, 'EISDIR')) throw error
  } finally {
    await handle.close()
  }
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code
}
