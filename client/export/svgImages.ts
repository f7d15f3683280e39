/**
 * Images inside tldraw's SVG export, made drawable by jsPDF: tldraw embeds every picture as a
 * data: URL of its own type, and jsPDF draws only PNG and JPEG. Other pictures (GIF, WebP,
 * AVIF, SVG, a video's still) are drawn by the browser onto a canvas and put back as PNG, at
 * twice their size on the board so they print sharp; anything that cannot be read is left out
 * rather than failing the whole PDF.
 */

const DRAWABLE = /^data:image\/(png|jpe?g)[;,]/i
/** Largest side of a converted picture, in pixels (a canvas this size is safe on phones). */
const MAX_SIDE = 4096

function hrefOf(image: SVGImageElement): string {
  return image.getAttribute('href') ?? image.getAttributeNS('http://www.w3.org/1999/xlink', 'href') ?? ''
}

async function toPng(src: string, width: number, height: number): Promise<string | null> {
  const picture = new Image()
  picture.decoding = 'async'
  picture.src = src
  try {
    await picture.decode()
  } catch {
    return null
  }
  const scale = Math.min(2, MAX_SIDE / Math.max(width, height, 1))
  const canvas = document.createElement('canvas')
  canvas.width = Math.max(1, Math.round(width * scale))
  canvas.height = Math.max(1, Math.round(height * scale))
  const context = canvas.getContext('2d')
  if (!context) return null
  context.drawImage(picture, 0, 0, canvas.width, canvas.height)
  return canvas.toDataURL('image/png')
}

export async function imagesToPng(svg: SVGSVGElement): Promise<void> {
  for (const image of [...svg.querySelectorAll('image')]) {
    const href = hrefOf(image)
    if (DRAWABLE.test(href)) continue
    const width = Number.parseFloat(image.getAttribute('width') ?? '') || 100
    const height = Number.parseFloat(image.getAttribute('height') ?? '') || 100
    const png = href.startsWith('data:') ? await toPng(href, width, height) : null
    if (png) {
      image.removeAttributeNS('http://www.w3.org/1999/xlink', 'href')
      image.setAttribute('href', png)
    } else {
      image.remove()
    }
  }
}
