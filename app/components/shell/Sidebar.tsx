import { Form, Link, useLocation } from "@remix-run/react";
import {
  CalendarRange,
  FileChartColumn,
  FileSignature,
  FileText,
  Handshake,
  House,
  Inbox,
  LayoutDashboard,
  ListChecks,
  LogOut,
  NotebookPen,
  PanelLeftClose,
  Plane,
  Search,
  SquareKanban,
  StickyNote,
  Target,
  CornerDownRight,
  type LucideIcon,
} from "lucide-react";
import type { ReactNode } from "react";
import type { DocumentType } from "@twinning/domain";
import { SpaceIconGlyph } from "~/components/SpaceLook";
import type { SidebarData } from "~/lib/sidebar.server";
import { forgetOfflineCopies } from "~/lib/offline";
import { useT } from "~/lib/i18n";
import type { RootData } from "~/root";
import { LanguageSwitcher } from "./LanguageSwitcher";
import { RecentItems } from "./RecentItems";

const TYPE_ICONS: Record<DocumentType, LucideIcon> = {
  agreement: FileSignature,
  mou: Handshake,
  action_plan: ListChecks,
  exchange_programme: Plane,
  strategy: Target,
  minutes: NotebookPen,
  report: FileChartColumn,
  note: StickyNote,
};

/**
 * The app shell's sidebar: the organisation (and the switch between several), home, inbox and search,
 * the user's spaces — the one in the URL opened onto its documents (type and status) and boards —,
 * the recently opened items, then language, account and log-out. A column on wide screens that can be
 * hidden; a drawer at phone and tablet width (without JavaScript it opens as the `#sidebar` target).
 */
export function Sidebar({ root, sidebar, onHide, inbox }: { root: RootData; sidebar: SidebarData; onHide: () => void; inbox: number }) {
  const { t } = useT();
  const location = useLocation();
  const here = location.pathname + location.search;
  const path = location.pathname;
  const current = (to: string, exact = false) => ((exact ? path === to : path === to || path.startsWith(`${to}/`)) ? ("page" as const) : undefined);
  const tenant = root.currentTenant;
  return (
    <nav id="sidebar" className="sidebar" aria-label={t("shell.sidebar")}>
      <div className="sidebar-top">
        {tenant && root.tenants.length === 1 ? (
          // One organisation: nothing to switch between, only its page to go to.
          <Link to={`/t/${tenant.slug}`} className="tenant-current" aria-current={current(`/t/${tenant.slug}`, true)}>
            {tenant.name}
          </Link>
        ) : tenant ? (
          <Form method="post" action="/switch-tenant" className="tenant-switcher">
            <input type="hidden" name="redirectTo" value={here} />
            <label htmlFor="tenant-switch" className="visually-hidden">
              {t("nav.switchTenant")}
            </label>
            <select id="tenant-switch" name="tenantId" defaultValue={tenant.id} key={tenant.id}>
              {root.tenants.map((option) => (
                <option key={option.id} value={option.id}>
                  {option.name}
                </option>
              ))}
            </select>
            <button type="submit" className="secondary">
              {t("nav.switchTenant")}
            </button>
          </Form>
        ) : (
          <Link to="/tenants/new">{t("nav.newTenant")}</Link>
        )}
        <a href="#main" className="sidebar-hide icon-button" onClick={(event) => (event.preventDefault(), onHide())} title={t("shell.hideSidebar")}>
          <PanelLeftClose aria-hidden="true" size={18} />
          <span className="visually-hidden">{t("shell.hideSidebar")}</span>
        </a>
      </div>

      <ul className="sidebar-list">
        <Item to="/" icon={House} current={current("/", true)}>
          {t("nav.home")}
        </Item>
        <Item to="/inbox" icon={Inbox} current={current("/inbox")}>
          {t("inbox.nav")}
          {inbox ? <span className="sidebar-count">{t("shell.unread", { count: inbox })}</span> : null}
        </Item>
        <Item to="/search" icon={Search} current={current("/search")}>
          {t("search.label")}
        </Item>
      </ul>

      <p className="sidebar-heading" id="sidebar-spaces">
        {t("home.yourSpaces")}
      </p>
      {sidebar.spaces.length ? (
        <ul className="sidebar-list" aria-labelledby="sidebar-spaces">
          {sidebar.spaces.map((space) => {
            const open = sidebar.current?.spaceId === space.id ? sidebar.current : null;
            const base = `/s/${space.id}`;
            return (
              <li key={space.id} className={`sidebar-space color-${space.color}`}>
                <Link to={base} aria-current={current(base, true)} className="sidebar-link">
                  <SpaceIconGlyph icon={space.icon} size={18} />
                  <span className="sidebar-label">{space.title}</span>
                  {space.archived ? <span className="badge">{t("space.archived")}</span> : null}
                </Link>
                {open ? (
                  <ul className="sidebar-tree">
                    <Item to={base} icon={LayoutDashboard} current={current(base, true)}>
                      {t("shell.overview")}
                    </Item>
                    <Item to={`${base}/overview`} icon={CalendarRange} current={current(`${base}/overview`)}>
                      {t("overview.link")}
                    </Item>
                    {open.documents.map((doc) => (
                      <Item
                        key={doc.id}
                        to={`${base}/docs/${doc.id}`}
                        icon={doc.translationOf ? CornerDownRight : (TYPE_ICONS[doc.type] ?? FileText)}
                        current={current(`${base}/docs/${doc.id}`)}
                        className={doc.translationOf ? "sidebar-translation" : undefined}
                      >
                        {doc.translationOf ? (
                          <span className="sidebar-translation-language" lang={doc.language}>
                            {t(`languages.${doc.language}`)}{" "}
                          </span>
                        ) : null}
                        {doc.title}
                        <span className="visually-hidden">
                          , {t(`documentTypes.${doc.type}`)}, {t(`documentStatuses.${doc.status}`)}
                          {doc.translationOf ? `, ${t("translations.listedTranslation", { title: open.documents.find((d) => d.id === doc.translationOf)?.title ?? "" })}` : null}
                        </span>
                        {doc.status !== "draft" ? (
                          <span className={`sidebar-status status-${doc.status}`} aria-hidden="true">
                            {t(`documentStatuses.${doc.status}`)}
                          </span>
                        ) : null}
                      </Item>
                    ))}
                    {open.boards.map((board) => (
                      <Item key={board.id} to={`${base}/boards/${board.id}`} icon={SquareKanban} current={current(`${base}/boards/${board.id}`)}>
                        {board.title}
                        <span className="visually-hidden">, {t("shell.board")}</span>
                      </Item>
                    ))}
                  </ul>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="sidebar-empty muted">{t("home.noSpaces")}</p>
      )}

      <RecentItems sidebar={sidebar} />

      <div className="sidebar-foot">
        <LanguageSwitcher />
        <Link to="/account" aria-label={t("nav.userMenu", { name: root.user!.name })} aria-current={current("/account")}>
          {root.user!.name}
        </Link>
        <Form method="post" action="/logout" onSubmit={() => void forgetOfflineCopies()}>
          <button type="submit" className="link-button">
            <LogOut aria-hidden="true" size={16} /> {t("nav.logOut")}
          </button>
        </Form>
      </div>
    </nav>
  );
}

function Item({ to, icon: Icon, current, children, className }: { to: string; icon: LucideIcon; current: "page" | undefined; children: ReactNode; className?: string }) {
  return (
    <li className={className}>
      <Link to={to} aria-current={current} className="sidebar-link">
        <Icon aria-hidden="true" size={18} />
        <span className="sidebar-label">{children}</span>
      </Link>
    </li>
  );
}
