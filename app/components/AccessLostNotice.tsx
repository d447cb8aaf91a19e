import { Link } from "@remix-run/react";
import { useAccessLost } from "~/lib/access-lost";
import { useT } from "~/lib/i18n";

/** Says, as an alert, that access to this space ended while the page was open, and where to go. */
export function AccessLostNotice({ spaceId }: { spaceId: string }) {
  const { t } = useT();
  const reason = useAccessLost(spaceId);
  // An element with role="alert" is announced when it appears, so it is rendered only then.
  if (!reason) return null;
  return (
    <div role="alert" className="form-error access-lost" data-access-lost={reason}>
      <p>
        {t(`liveAccess.${reason}`)}{" "}
        {reason === "sessionEnded" ? <a href={`/login?redirectTo=${encodeURIComponent(`/s/${spaceId}`)}`}>{t("nav.logIn")}</a> : <Link to="/">{t("errors.backHome")}</Link>}
      </p>
    </div>
  );
}
