import type { ComponentChildren } from 'preact';

/**
 * Wide tables scroll inside this region instead of the page (no sideways page scroll at 320 px);
 * focusable and named so keyboard users can scroll it too.
 */
export function TableWrap({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be keyboard-reachable (WCAG 2.1.1, axe scrollable-region-focusable)
    <div class="sp-tablewrap" role="region" tabIndex={0} aria-label={label}>
      {children}
    </div>
  );
}
