import { Link } from "@remix-run/react";
import { auditText } from "~/components/AuditList";
import { useT } from "~/lib/i18n";
import { Time } from "~/components/Time";

/** One change as the feed shows it (`ChangeItem` from `lib/home.server.ts`, or a space's card event). */
export interface FeedItem {
  id: string;
  kind: "card" | "audit";
  at: string | Date;
  actorName: string | null;
  action: string;
  details: Record<string, string>;
  tenantName: string | null;
  /** The card's title, for card changes. */
  subject: string | null;
  href: string;
  spaceId?: string;
  spaceTitle?: string;
}

/**
 * What changed, newest first: "who: what — the thing" with its time (and space, on the home page).
 * Card changes link to the card, audit events to the space's audit log.
 */
export function ChangeFeed({ items, showSpace = false, empty }: { items: FeedItem[]; showSpace?: boolean; empty: string }) {
  const { t } = useT();
  if (!items.length) return <p className="muted">{empty}</p>;
  return (
    <ul className="change-feed">
      {items.map((e) => (
        <li key={e.id}>
          <p className="change-line">
            {e.actorName ?? "—"}:{" "}
            {e.kind === "card"
              ? String(t(`board.events.${e.action}`, { ...e.details, defaultValue: e.action }))
              : auditText(t, { action: e.action as never, details: e.details, tenantName: e.tenantName })}{" "}
            — <Link to={e.href}>{e.kind === "card" ? e.subject : t("dashboard.auditLog")}</Link>
          </p>
          <p className="muted change-meta">
            <Time value={e.at} />
            {showSpace && e.spaceId ? (
              <>
                {" · "}
                <Link to={`/s/${e.spaceId}`}>{e.spaceTitle}</Link>
              </>
            ) : null}
          </p>
        </li>
      ))}
    </ul>
  );
}
