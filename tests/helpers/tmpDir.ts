/**
 * A fresh directory under the OS's temp dir for one test, removed with everything in it.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TmpDir {
  path: string
  /** The path of `name` inside the directory. */
  file(name: string): string
  remove(): Promise<void>
}

export async function createTmpDir(prefix = 'codesign-test-'): Promise<TmpDir> {
  const path = await mkdtemp(join(tmpdir(), prefix))
  return {
    path,
    file: (name) => join(path, name),
    remove: () => rm(path, { recursive: true, force: true }),
  }
}
