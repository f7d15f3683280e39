/**
 * Plain text from tldraw 5 rich text: a TipTap (ProseMirror) JSON document such as
 * `{ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Hi' }] }] }`.
 * Reports and the outline panel need the words, not the formatting. Records may come from a
 * forged document, so this never throws and bounds both nesting depth and output length.
 */

/** Deeper nodes are ignored: real notes nest a few levels; a forged one could nest thousands. */
export const MAX_RICH_TEXT_DEPTH = 32
/** Longer text is cut (with an ellipsis): a card is a sticky note, not a document. */
export const MAX_PLAIN_TEXT_LENGTH = 20_000

type Node = { type?: unknown; text?: unknown; content?: unknown; attrs?: unknown; [key: string]: unknown }

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function children(node: Node): unknown[] {
  return Array.isArray(node.content) ? node.content : []
}

function isInline(node: unknown): boolean {
  return isNode(node) && (node.type === 'text' || node.type === 'hardBreak' || node.type === 'mention')
}

/** Text of a node whose children are inline (a paragraph, a heading, a code block). */
function inlineText(node: Node): string {
  let out = ''
  for (const child of children(node)) {
    if (!isNode(child)) continue
    if (child.type === 'text' && typeof child.text === 'string') out += child.text
    else if (child.type === 'hardBreak') out += '\n'
    else if (child.type === 'mention' && isNode(child.attrs) && typeof child.attrs.label === 'string') {
      out += `@${child.attrs.label}`
    }
  }
  return out
}

function walk(node: unknown, depth: number, lines: string[], prefix: string): void {
  if (depth > MAX_RICH_TEXT_DEPTH || !isNode(node)) return
  const kids = children(node)
  if (node.type === 'text' && typeof node.text === 'string') {
    lines.push(prefix + node.text)
    return
  }
  if (kids.some(isInline)) {
    lines.push(prefix + inlineText(node))
    return
  }
  if (node.type === 'bulletList' || node.type === 'orderedList' || node.type === 'taskList') {
    const start = isNode(node.attrs) && Number.isInteger(node.attrs.start) ? (node.attrs.start as number) : 1
    kids.forEach((item, i) => {
      walk(item, depth + 1, lines, node.type === 'orderedList' ? `${start + i}. ` : '- ')
    })
    return
  }
  // A container (doc, list item, blockquote): the prefix goes on its first line only.
  let first = true
  for (const kid of kids) {
    walk(kid, depth + 1, lines, first ? prefix : prefix.replace(/./g, ' '))
    first = false
  }
  if (kids.length === 0 && node.type === 'paragraph') lines.push(prefix)
}

/** Plain text of a rich-text document; a plain string is returned as it is (legacy `text`). */
export function richTextToPlain(richText: unknown): string {
  if (typeof richText === 'string') return clamp(richText.trim())
  const lines: string[] = []
  walk(richText, 0, lines, '')
  return clamp(lines.join('\n').replace(/^\s*\n|\n\s*$/g, '').trim())
}

function clamp(text: string): string {
  return text.length > MAX_PLAIN_TEXT_LENGTH ? `${text.slice(0, MAX_PLAIN_TEXT_LENGTH - 1)}…` : text
}
