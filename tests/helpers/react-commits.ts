import type { Page } from "playwright-core";

/**
 * Counts React's commits in a page (`page.addInitScript(COUNT_REACT_COMMITS)` before it loads): a
 * stand-in for the hook React's developer tools use, which React tells of every commit. With the
 * focus in the editor, each commit walks the editor's whole DOM to save and restore the selection.
 */
export const COUNT_REACT_COMMITS = `window.__reactCommits = 0; window.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
  supportsFiber: true, isDisabled: false, renderers: new Map(), inject() { return 1; }, checkDCE() {},
  onCommitFiberRoot() { window.__reactCommits++; }, onCommitFiberUnmount() {}, onPostCommitFiberRoot() {},
};`;

/** React's commits in `page` so far (see {@link COUNT_REACT_COMMITS}). */
export const reactCommits = (page: Page): Promise<number> => page.evaluate(() => (window as unknown as { __reactCommits: number }).__reactCommits);
