import { isRouteErrorResponse, Link, useLocation, useRouteError } from "@remix-run/react";
import { AccessLostNotice } from "~/components/AccessLostNotice";
import { useAccessLost } from "~/lib/access-lost";
import { useRequestInfo, useT } from "~/lib/i18n";

/**
 * The translated 404/403 page or 500 page (with the request id that the log also carries). A 404 or
 * 403 in a space whose access this page was told has ended (a reload answered after the removal)
 * says that instead of "not found".
 */
export function ErrorPage() {
  const error = useRouteError();
  const { t } = useT();
  const { requestId } = useRequestInfo();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const spaceId = /^\/s\/([^/]+)/.exec(useLocation().pathname)?.[1] ?? "";
  const lost = useAccessLost(spaceId);
  if (lost && (status === 404 || status === 403)) {
    return (
      <section className="error-page" aria-labelledby="error-title">
        <h1 id="error-title">{t("errors.forbiddenTitle")}</h1>
        <AccessLostNotice spaceId={spaceId} />
      </section>
    );
  }
  const [title, text] =
    status === 404 ? ["errors.notFoundTitle", "errors.notFoundText"] : status === 403 ? ["errors.forbiddenTitle", "errors.forbidden"] : ["errors.errorTitle", "errors.errorText"];
  return (
    <section className="error-page" aria-labelledby="error-title">
      <h1 id="error-title">{t(title)}</h1>
      <p>{t(text)}</p>
      {status >= 500 && requestId ? (
        <p className="muted">
          {t("errors.errorId", { id: requestId })}
        </p>
      ) : null}
      <p>
        <Link to="/">{t("errors.backHome")}</Link>
      </p>
    </section>
  );
}
