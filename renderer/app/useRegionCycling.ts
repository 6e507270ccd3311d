/**
 * F6 / Shift+F6 move the keyboard focus between the app's regions (study list, viewer, status
 * bar), as in VS Code and most desktop apps, so a keyboard user is never stuck inside one.
 */
import { useEffect } from 'react';

export const REGION_ATTRIBUTE = 'data-region';

export function useRegionCycling(): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'F6') return;
      const regions = Array.from(document.querySelectorAll<HTMLElement>(`[${REGION_ATTRIBUTE}]`));
      if (regions.length === 0) return;
      event.preventDefault();
      const current = regions.findIndex((region) => region.contains(document.activeElement));
      const step = event.shiftKey ? -1 : 1;
      const next = current === -1 ? (event.shiftKey ? regions.length - 1 : 0) : (current + step + regions.length) % regions.length;
      regions[next]?.focus();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
