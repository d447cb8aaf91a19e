import { RemixBrowser } from "@remix-run/react";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { RequestInfoContext, type RequestInfo } from "~/lib/i18n";

// The server rendered these facts into a meta tag; reading them back keeps hydration identical.
const meta = document.querySelector<HTMLMetaElement>('meta[name="twinning-request"]');
const info: RequestInfo = meta ? JSON.parse(meta.content) : { requestId: "", locale: "da" };

startTransition(() => {
  hydrateRoot(
    document,
    <StrictMode>
      <RequestInfoContext.Provider value={info}>
        <RemixBrowser />
      </RequestInfoContext.Provider>
    </StrictMode>,
  );
});
