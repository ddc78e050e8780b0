import { readFile } from 'node:fs/promises';
import type { PageScreenshotOptions } from '@playwright/test';

/** Folder of the visual suite's baselines: `<dir>/<browser project>/<theme>/<name>-<viewport>.png`. */
export const BASELINES_DIR = 'e2e/visual/baselines';

/** `snapshotPathTemplate` of `playwright.visual.config.ts` (`{arg}` = `<theme>/<name>-<viewport>`). */
export const BASELINE_PATH_TEMPLATE = `${BASELINES_DIR}/{projectName}/{arg}{ext}`;

/**
 * How every visual screenshot is taken (the config's `toHaveScreenshot` defaults and the suite's byte-equality fast
 * path use the same): CSS animations and transitions finished/cancelled, text caret hidden, one image pixel per CSS
 * pixel.
 */
export const SCREENSHOT_OPTIONS = {
  animations: 'disabled',
  caret: 'hide',
  scale: 'css',
} as const satisfies PageScreenshotOptions;

/** The committed baseline of `<theme folder>/<file name>` for a browser project, or `undefined` when there is none. */
export async function readBaseline(
  project: string,
  folder: string,
  file: string,
): Promise<Buffer | undefined> {
  return readFile(`${BASELINES_DIR}/${project}/${folder}/${file}`).catch(() => undefined);
}
