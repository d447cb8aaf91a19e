import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";
import { useRequestInfo, useT } from "~/lib/i18n";

/** The translated 404/403 page or 500 page (with the request id that the log also carries). */
export function ErrorPage() {
  const error = useRouteError();
  const { t } = useT();
  const { requestId } = useRequestInfo();
  const status = isRouteErrorResponse(error) ? error.status : 500;
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
