/**
 * CPU time and memory of a process, read from Linux's /proc: what the benchmark reports for
 * the server under test, and for itself (a saturated load generator inflates latencies).
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

export type Memory = {
  /** Resident set size now (VmRSS). */
  rssBytes: number
  /** Highest resident set size since the process started (VmHWM). */
  hwmBytes: number
}

export type ProcessProbe = {
  readonly pid: number
  /** User plus system CPU time the process used since it started, in milliseconds. */
  cpuMs(): number
  memory(): Memory
}

/** Clock ticks per second, the unit of utime/stime in /proc/<pid>/stat (100 on Linux almost everywhere). */
export function clockTicksPerSecond(): number {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim())
    if (Number.isInteger(value) && value > 0) return value
  } catch {
    // no getconf: fall through to the kernel's usual USER_HZ
  }
  return 100
}

export function readCpuMs(pid: number, ticksPerSecond: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Field 2 is the command name in parentheses and may contain spaces: split after the last ')'.
  // The rest starts at field 3 (state), so utime (field 14) and stime (15) are at 11 and 12.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const utime = Number(fields[11])
  const stime = Number(fields[12])
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`cannot parse /proc/${pid}/stat`)
  return ((utime + stime) * 1000) / ticksPerSecond
}

export function readMemory(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return { rssBytes: statusKb(status, 'VmRSS') * 1024, hwmBytes: statusKb(status, 'VmHWM') * 1024 }
}

function statusKb(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)
  if (!match?.[1]) throw new Error(`no ${field} in /proc status`)
  return Number(match[1])
}

export function probeProcess(pid: number): ProcessProbe {
  const ticks = clockTicksPerSecond()
  return { pid, cpuMs: () => readCpuMs(pid, ticks), memory: () => readMemory(pid) }
}

export type RssSampler = {
  /** Stops sampling; returns the largest RSS seen (VmHWM would include the start-up peak). */
  stop(): { maxRssBytes: number; samples: number }
}

/** Samples the RSS of a process every `intervalMs` until stopped. */
export function sampleRss(probe: ProcessProbe, intervalMs = 100): RssSampler {
  let maxRssBytes = 0
  let samples = 0
  const sample = () => {
    try {
      maxRssBytes = Math.max(maxRssBytes, probe.memory().rssBytes)
      samples += 1
    } catch {
      // The process exited: the samples so far are all there is.
      clearInterval(timer)
    }
  }
  const timer = setInterval(sample, intervalMs)
  sample()
  return {
    stop() {
      clearInterval(timer)
      sample()
      return { maxRssBytes, samples }
    },
  }
}

export const MB = 1024 * 1024
