// What the Chromium tests share: dropping files on an element, as a user dragging them from the
// desktop does.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export async function dropFiles(page, selector, files) {
  const payload = files.map((f) => ({ name: path.basename(f), data: [...readFileSync(f)] }));
  await page.evaluate(({ selector, payload }) => {
    const dt = new DataTransfer();
    for (const { name, data } of payload) dt.items.add(new File([new Uint8Array(data)], name));
    const target = document.querySelector(selector);
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, { selector, payload });
}
