// Keeps the option lists of <vscode-single-select> inside the webview.
//
// The element opens its list below itself unless told `position = 'above'`, so a select near the
// bottom of a form has its options cut off by the webview's edge. Just before a list opens (the
// pointer goes down on the select, or a key that opens it is pressed), this measures the room
// below and above and opens the list on the side where it fits, or where there is more room.
// Installed once per document; it only ever sets `position`, never styles.

/** Height of one option row and the most rows the list shows, as @vscode-elements/elements draws them. */
const OPTION_HEIGHT = 22;
const VISIBLE_OPTIONS = 10;
const LIST_CHROME = 8;

interface PositionedSelect extends HTMLElement {
  position: 'above' | 'below';
}

/**
 * Where a popup `needed` px tall goes beside an element at `rect` in a window `height` tall: below
 * when it fits there or there is at least as much room below as above, else above. The grid's cost
 * hint is placed by the same rule.
 */
export function sideWithRoom(rect: { top: number; bottom: number }, height: number, needed: number): 'above' | 'below' {
  const below = height - rect.bottom;
  const above = rect.top;
  return below >= needed || below >= above ? 'below' : 'above';
}

/** The side a list of `options` rows should open on, for a select at `rect` in a window `height` tall. */
export function dropdownSide(rect: { top: number; bottom: number }, height: number, options: number): 'above' | 'below' {
  return sideWithRoom(rect, height, Math.min(Math.max(options, 1), VISIBLE_OPTIONS) * OPTION_HEIGHT + LIST_CHROME);
}

function place(event: Event): void {
  const select = event.composedPath().find((n): n is PositionedSelect => n instanceof HTMLElement && n.localName === 'vscode-single-select');
  if (!select) return;
  const side = dropdownSide(select.getBoundingClientRect(), window.innerHeight, select.querySelectorAll('vscode-option').length);
  if (select.position !== side) select.position = side;
}

let installed = false;

/** Installed by every Host (shared/host.ts); calling it again does nothing. */
export function keepDropdownsInView(): void {
  if (installed) return;
  installed = true;
  window.addEventListener('pointerdown', place, { capture: true });
  window.addEventListener('keydown', (e) => [' ', 'Enter', 'ArrowDown', 'ArrowUp'].includes(e.key) && place(e), { capture: true });
}
