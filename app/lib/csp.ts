/**
 * The page's Content-Security-Policy nonce, for code that adds a `<style>` element itself (Tiptap).
 * Browsers hide the nonce attribute from the page's markup but keep it on the element's `nonce`
 * property, so it is read from one of Remix's inline scripts.
 */
export function pageNonce(): string | undefined {
  if (typeof document === "undefined") return undefined;
  return document.querySelector<HTMLScriptElement>("script[nonce]")?.nonce || undefined;
}
