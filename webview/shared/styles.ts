// Dynamic inline styles that a strict Content-Security-Policy accepts.
//
// The webviews' CSP has `style-src` with a nonce and no 'unsafe-inline', so the browser refuses
// every `style="…"` attribute, including the one Lit's `styleMap` writes on an element's first
// render (it switches to the CSSOM only on later renders). A row that is new in the DOM then gets
// no position at all. This directive never touches the attribute: it sets each property through
// `element.style.setProperty` on every render, the first included, and removes the properties a
// later render no longer names.
//
// Invariant: nothing in webview/ writes a `style` attribute; use `cssProps` (or `el.style`) instead.
import { noChange } from 'lit';
import { Directive, directive, PartType, type ElementPart, type PartInfo } from 'lit/directive.js';

/** Property names as CSS writes them (`left`, `max-width`, `--custom`), values as strings. */
export type CssProps = Readonly<Record<string, string | undefined>>;

class CssPropsDirective extends Directive {
  private previous = new Set<string>();

  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.ELEMENT) throw new Error('cssProps belongs on an element: <div ${cssProps({...})}>');
  }

  override render(_props: CssProps): typeof noChange {
    return noChange;
  }

  override update(part: ElementPart, [props]: [CssProps]): typeof noChange {
    const style = (part.element as HTMLElement).style;
    const next = new Set<string>();
    for (const [name, value] of Object.entries(props)) {
      if (value === undefined || value === '') continue;
      next.add(name);
      if (style.getPropertyValue(name) !== value) style.setProperty(name, value);
    }
    for (const name of this.previous) if (!next.has(name)) style.removeProperty(name);
    this.previous = next;
    return noChange;
  }
}

/** `<div ${cssProps({ transform: 'translateY(24px)' })}>`: styles through the CSSOM only. */
export const cssProps = directive(CssPropsDirective);
