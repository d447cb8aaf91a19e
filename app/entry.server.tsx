import { Transform } from "node:stream";
import type { AppLoadContext, EntryContext, HandleErrorFunction } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { RequestInfoContext } from "~/lib/i18n";

const ABORT_DELAY = 5_000;

/**
 * The HTML stream without React 18.3's stray NUL bytes: when a multi-byte character (Danish æøå,
 * Chinese, a dash) does not fit at the end of its 2 KB buffer, React writes the whole buffer, unwritten
 * tail included (facebook/react#24985, fixed upstream by #26228 but not in 18.x). Those zeros end the
 * chunk; HTML never holds a NUL (forms refuse it), so they are dropped. The activity overview's
 * pages (long, Danish and Chinese) had them in five places, in the middle of a word.
 */
function withoutTrailingNuls(): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      let end = chunk.length;
      while (end > 0 && end > chunk.length - 4 && chunk[end - 1] === 0) end--;
      callback(null, end === chunk.length ? chunk : chunk.subarray(0, end));
    },
  });
}

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const bot = isbot(request.headers.get("user-agent") ?? "");
  // Remix's inline scripts carry this response's nonce; the policy itself is set in server/security-headers.ts.
  const nonce = loadContext.cspNonce;
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <RequestInfoContext.Provider value={{ requestId: loadContext.requestId, locale: loadContext.locale, nonce }}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </RequestInfoContext.Provider>,
      {
        nonce,
        [bot ? "onAllReady" : "onShellReady"]() {
          shellRendered = true;
          const body = withoutTrailingNuls();
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }));
          pipe(body);
        },
        onShellError: reject,
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) loadContext.log.error({ err: error, requestId: loadContext.requestId }, "render error");
        },
      }
    );
    setTimeout(abort, ABORT_DELAY);
  });
}

/** Unexpected errors are logged with the request id that the 500 page shows. */
export const handleError: HandleErrorFunction = (error, { request, context }) => {
  if (request.signal.aborted) return;
  const ctx = context as AppLoadContext | undefined;
  if (ctx?.log) ctx.log.error({ err: error, requestId: ctx.requestId, url: request.url }, "unexpected error");
  else console.error(error);
};
