import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";
import { useRequestInfo, useT } from "~/lib/i18n";

/** The translated 404/403 page or 500 page (with the request id that the log also carries). */
export function ErrorPage() {
  const error = useRouteError();
  const { t } = useT();
  const { requestId } = useRequestInfo();
  const missing = isRouteErrorResponse(error) && (error.status === 404 || error.status === 403);
  return (
    <section className="error-page" aria-labelledby="error-title">
      <h1 id="error-title">{missing ? t("errors.notFoundTitle") : t("errors.errorTitle")}</h1>
      <p>{missing ? t("errors.notFoundText") : t("errors.errorText")}</p>
      {!missing && requestId ? (
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
