/// <reference lib="dom" />
/** Driving the workstation's page the way a person does: the study list, and the mouse. */
import type { Page } from 'playwright-core';

export interface PagePoint {
  x: number;
  y: number;
}

/** Types a name prefix into the study list and selects the one study it leaves. */
export async function selectOnlyStudy(page: Page, patientNamePrefix: string): Promise<void> {
  await page.getByPlaceholder('Beginning of any name…').fill(patientNamePrefix);
  await page.waitForFunction((prefix) => {
    const rows = document.querySelectorAll<HTMLElement>('[data-testid="study-row"]');
    return rows.length === 1 && (rows.item(0).textContent ?? '').startsWith(prefix);
  }, patientNamePrefix);
  await page.getByTestId('study-row').first().click();
}

/** A drag in small steps, as a hand makes it, with the given button. */
export async function dragMouse(page: Page, from: PagePoint, to: PagePoint, button: 'left' | 'middle' | 'right' = 'left', steps = 8): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down({ button });
  for (let step = 1; step <= steps; step += 1) await page.mouse.move(from.x + ((to.x - from.x) * step) / steps, from.y + ((to.y - from.y) * step) / steps);
  await page.mouse.up({ button });
}
