import { Link } from "@remix-run/react";
import { CalendarRange, LayoutDashboard, Settings, ScrollText, Users, Webhook } from "lucide-react";
import type { Space } from "@twinning/db";
import type { SpaceAccess, SpaceIcon } from "@twinning/domain";
import { SpaceIconGlyph } from "~/components/SpaceLook";
import { useT } from "~/lib/i18n";

export type SpaceTab = "overview" | "people" | "activities";

/** What the header shows of a space, as each tab's loader hands it over. */
export function headerSpace(space: Space): Props["space"] {
  return {
    id: space.id,
    title: space.title,
    purpose: space.purpose,
    color: space.color,
    icon: space.icon,
    private: space.private,
    archived: space.archivedAt !== null,
  };
}

interface Props {
  space: { id: string; title: string; purpose: string | null; color: string; icon: SpaceIcon; private: boolean; archived: boolean };
  hostName: string;
  access: SpaceAccess;
  manage: boolean;
  current: SpaceTab;
}

/**
 * The top of every tab of a space: icon, title (the page's one h1), host and the reader's access,
 * the host admins' links, the archived notice, and the tabs — plain links in a nav, the current one
 * marked `aria-current="page"`, so they work without JavaScript and each tab has its own address.
 */
export function SpaceHeader({ space, hostName, access, manage, current }: Props) {
  const { t } = useT();
  const tabs: { id: SpaceTab; to: string; label: string; Icon: typeof Users }[] = [
    { id: "overview", to: `/s/${space.id}`, label: t("spaceDashboard.overview"), Icon: LayoutDashboard },
    { id: "people", to: `/s/${space.id}/people`, label: t("spaceDashboard.people"), Icon: Users },
    // The year's activity overview has a page of its own (its heading names the year).
    { id: "activities", to: `/s/${space.id}/overview`, label: t("overview.link"), Icon: CalendarRange },
  ];
  return (
    <>
      <header className={`space-header color-${space.color}`}>
        <SpaceIconGlyph icon={space.icon} />
        <div className="space-header-text">
          <h1>{space.title}</h1>
          <p className="muted">
            {t("space.hostedBy", { host: hostName })} · {t("space.yourAccess", { access: t(`access.${access}`) })}
            {space.private ? ` · ${t("space.privateBadge")}` : ""}
          </p>
        </div>
      </header>
      {space.archived ? (
        <p role="status" className="notice">
          {t("space.archivedNotice")}
        </p>
      ) : null}
      {space.purpose ? <p className="space-purpose">{space.purpose}</p> : null}
      {manage ? (
        <p className="inline-form space-admin-links">
          <Link to={`/s/${space.id}/settings`} className="icon-link">
            <Settings size={16} aria-hidden="true" />
            {t("space.settings")}
          </Link>
          <Link to={`/s/${space.id}/audit`} className="icon-link">
            <ScrollText size={16} aria-hidden="true" />
            {t("audit.spaceLink")}
          </Link>
          <Link to={`/s/${space.id}/webhooks`} className="icon-link">
            <Webhook size={16} aria-hidden="true" />
            {t("webhooks.link")}
          </Link>
        </p>
      ) : null}
      <nav className="space-tabs" aria-label={t("spaceDashboard.sections")}>
        <ul>
          {tabs.map(({ id, to, label, Icon }) => (
            <li key={id}>
              <Link to={to} aria-current={id === current ? "page" : undefined} className={id === current ? "current" : undefined}>
                <Icon size={16} aria-hidden="true" />
                {label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
    </>
  );
}
