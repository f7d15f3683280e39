/**
 * Plain-text tables for the terminal: a header, a rule, one line per row, numbers aligned
 * to the right so that columns of figures can be compared at a glance.
 */

export type Column<Row> = {
  header: string
  align?: 'left' | 'right'
  value: (row: Row) => string
}

export function formatTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string {
  const cells = rows.map((row) => columns.map((column) => column.value(row)))
  const widths = columns.map((column, i) => Math.max(column.header.length, ...cells.map((line) => (line[i] ?? '').length)))
  const pad = (text: string, i: number) => {
    const width = widths[i] ?? text.length
    return columns[i]?.align === 'left' ? text.padEnd(width) : text.padStart(width)
  }
  const lines = [
    columns.map((column, i) => pad(column.header, i)).join('  '),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...cells.map((line) => line.map((text, i) => pad(text, i)).join('  ')),
  ]
  return lines.map((line) => line.trimEnd()).join('\n')
}

/** A number for a table cell: fixed decimals, or a dash when there is no value. */
export function num(value: number | null | undefined, decimals = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-'
  return value.toFixed(decimals)
}
