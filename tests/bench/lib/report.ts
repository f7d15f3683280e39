/**
 * The printed report: per scenario its figures (one row per server or variant), then its
 * budgets with our figure, what it is compared with, the ratio, the limit and PASS/FAIL, then
 * anything that makes a figure doubtful.
 */
import type { Budget, Cell, ScenarioResult } from './scenario.ts'
import { formatTable, num, type Column } from './table.ts'

function cell(value: Cell, decimals = 1): string {
  if (value === null) return '-'
  if (typeof value === 'string') return value
  return num(value, Number.isInteger(value) ? 0 : decimals)
}

function figure(value: number | null, unit: string): string {
  if (value === null) return '-'
  const decimals = Number.isInteger(value) || Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2
  return `${num(value, decimals)} ${unit}`.trim()
}

export function verdict(budget: Budget): string {
  return budget.pass === null ? 'n/a' : budget.pass ? 'PASS' : 'FAIL'
}

const budgetColumns: Column<Budget>[] = [
  { header: 'budget', align: 'left', value: (b) => b.name },
  { header: 'ours', value: (b) => figure(b.ours, b.unit) },
  { header: 'compared with', value: (b) => (b.against ? `${figure(b.against.value, b.unit)} (${b.against.label})` : '') },
  { header: 'ratio', value: (b) => (b.ratio === undefined ? '' : b.ratio === null ? '-' : `${num(b.ratio, 2)}x`) },
  { header: 'limit', align: 'left', value: (b) => b.limit },
  { header: 'result', align: 'left', value: verdict },
]

export function renderScenario(result: ScenarioResult): string {
  const settings = Object.entries(result.settings)
    .map(([key, value]) => `${key} ${cell(value)}`)
    .join(', ')
  const rowColumns: Column<Record<string, Cell>>[] = result.columns.map((column, i) => ({
    header: column.header,
    align: i === 0 ? 'left' : 'right',
    value: (row) => cell(row[column.key] ?? null, column.decimals),
  }))
  return [
    `== ${result.title} (${result.scenario})`,
    settings,
    '',
    ...(result.rows.length > 0 ? [formatTable(rowColumns, result.rows), ''] : []),
    formatTable(budgetColumns, result.budgets),
    ...(result.notes.length > 0 ? ['', ...result.notes.map((note) => `! ${note}`)] : []),
  ].join('\n')
}

export function renderResults(results: readonly ScenarioResult[]): string {
  const all = results.flatMap((r) => r.budgets)
  const passed = all.filter((b) => b.pass === true).length
  const failed = all.filter((b) => b.pass === false).length
  return [
    ...results.map(renderScenario),
    `Budgets: ${passed} PASS, ${failed} FAIL, ${all.length - passed - failed} not measured`,
  ].join('\n\n')
}
