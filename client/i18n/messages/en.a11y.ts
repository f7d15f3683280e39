/**
 * English strings of the accessibility statement (/accessibility) and its link. Kept apart
 * from en.ts like the journey and export strings; en.ts merges them, so `t()` knows every key.
 * The statement follows the EU model (Commission Implementing Decision (EU) 2018/1523).
 */
export const enA11y = {
  'a11y.link': 'Accessibility statement',
  'a11y.back': 'Back to the start page',
  'a11y.title': 'Accessibility statement',
  'a11y.intro':
    'We want everyone to be able to take part in designing public services with Co-design Board: citizens and public officials, on a computer or a phone, with a keyboard, a screen reader or a mouse. This statement applies to Co-design Board: the start page, the join step, the board with its panels and dialogs, and this page.',

  'a11y.status.title': 'Compliance status',
  'a11y.status.body':
    'Co-design Board is partially compliant with the European standard EN 301 549 and with the Web Content Accessibility Guidelines (WCAG) 2.1 at level AA, because of the non-compliances listed below. Most of them come from the drawing canvas, which by its nature is visual and spatial.',

  'a11y.limits.title': 'Known limits',
  'a11y.limits.canvas.title': 'The drawing canvas',
  'a11y.limits.canvas.intro':
    'The board itself is a drawing canvas (the tldraw editor). A drawing means what its shapes look like and where they are; that meaning does not reach a screen reader, and some actions need a mouse, a finger or a pen:',
  'a11y.limits.canvas.drawing':
    'Free drawing, drawing arrows between shapes and placing a shape at a chosen point need a pointer; they cannot be done with the keyboard alone (WCAG 2.1.1).',
  'a11y.limits.canvas.spatial':
    'Where things are on the board, what is grouped or near what, and what an arrow connects are shown only visually. A screen reader announces a shape when it is selected, not its place or its relations to other shapes (WCAG 1.3.1, 1.3.2).',
  'a11y.limits.canvas.drawings':
    'Drawings, shapes without text and pictures have no text alternative unless the person who added a picture wrote one with the alternative-text tool (WCAG 1.1.1).',
  'a11y.limits.canvas.colour':
    'The colour of a shape, chosen by the people on the board, can carry meaning that is not written anywhere, and the contrast of text on coloured shapes and of thin lines depends on the colours chosen (WCAG 1.4.1, 1.4.3, 1.4.11).',
  'a11y.limits.canvas.presence':
    'Other people’s cursors and selections are shown only visually and are not announced (WCAG 4.1.3). The participants panel lists who is on the board.',
  'a11y.limits.canvas.zoom':
    'The board has its own zoom. Zooming the page to 200% enlarges our panels and tldraw’s menus, and the canvas keeps its own scale; on a small screen some of tldraw’s menus need scrolling (WCAG 1.4.4, 1.4.10).',
  'a11y.limits.tldraw.title': 'Parts of the interface not covered by our checks',
  'a11y.limits.tldraw.intro':
    'Our automated checks that must pass cover our own interface. These parts belong to tldraw, the editor the board is built on: we went through them with the keyboard and check them with the same rules, but a problem in them is listed here and reported to tldraw rather than fixed by us:',
  'a11y.limits.tldraw.canvas': 'the drawing surface and everything drawn on it (the element .tl-canvas);',
  'a11y.limits.tldraw.ui':
    'tldraw’s toolbar, main menu, page menu, style panel, zoom controls and their menus and dialogs (the element .tlui-layout, apart from our own controls inside it).',
  'a11y.limits.tldraw.found':
    'Found in them by the same automated checks on {date}: {findings}',
  'a11y.limits.tldraw.none':
    'no serious or critical problem. For a few of tldraw’s labels (the page menu and the zoom button) axe could not work out the contrast by itself; we checked them by eye. The contrast of text on shapes depends on the colours chosen.',
  'a11y.limits.language.title': 'Languages',
  'a11y.limits.language.body':
    'The interface is available in English, Italian, Spanish and Latvian, and tldraw’s menus follow the same choice (the Latvian translation of tldraw’s menus is our own). What people write on the board stays in the language they wrote it in, and is not marked with that language for screen readers (WCAG 3.1.2); nor is tldraw’s “Get a license” badge, which tldraw shows only in English.',

  'a11y.alternatives.title': 'Accessible ways to take part',
  'a11y.alternatives.intro': 'Everything that matters on a board can also be read and added without the canvas:',
  'a11y.alternatives.outline':
    'The outline of the journey-mapping kit lists every card of a journey map as text, by stage and lane, with its kind and votes. From the outline you can add a card to a chosen stage and lane, and vote, with the keyboard and a screen reader.',
  'a11y.alternatives.people':
    'The participants panel lists who is on the board, with their role and group, and lets you follow someone’s view.',
  'a11y.alternatives.keyboard':
    'Every control of ours works with the keyboard, with a visible focus. On the canvas, Tab selects the next shape and the arrow keys move it; Ctrl+Alt+/ (Cmd+Alt+/ on a Mac) lists all of tldraw’s keyboard shortcuts, and tldraw’s first control moves the focus to the canvas.',
  'a11y.alternatives.announcements':
    'Changes that matter, such as the board being locked or unlocked, are announced to screen readers.',
  'a11y.alternatives.motion':
    'Animations are turned off when your device asks for reduced motion.',
  'a11y.alternatives.help':
    'The facilitator can also read the board out, or describe it, during the session: tell them what you need.',

  'a11y.feedback.title': 'Feedback and contact',
  'a11y.feedback.body':
    'If you meet a problem that is not listed here, or need something from a board in another form, contact the facilitator of your session or the organisation that invited you. Tell them what you tried to do, on which page, and with which device and assistive technology.',
  'a11y.enforcement.title': 'Enforcement procedure',
  'a11y.enforcement.body':
    'If you are not satisfied with the answer to your request, you can turn to the body that monitors the accessibility of public-sector websites in your country.',

  'a11y.method.title': 'How this statement was prepared',
  'a11y.method.body':
    'This statement was prepared on {date}. The method is a self-assessment by the people who build Co-design Board: automated checks with axe-core against WCAG 2.1 level A and AA on the start page, the join step, the board with its share dialog, participants panel and settings dialog open, and this page, in English and in Latvian, on a large screen and at 375 pixels wide; and manual testing with the keyboard alone.',
  'a11y.method.review': 'The statement is reviewed whenever the interface changes.',
} as const
