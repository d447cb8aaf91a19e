import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { inboxCount, loadActor, spaceTimeZones, tenantsOfUser } from "@twinning/db";
import { defaultZone } from "@twinning/i18n";
import { clockOf } from "~/lib/clock.server";
import { ErrorPage } from "~/components/ErrorPage";
import { SearchBox } from "~/components/search/SearchBox";
import { I18nProvider, useRequestInfo, useT } from "~/lib/i18n";
import { Inbox as InboxIcon, Menu as MenuIcon } from "lucide-react";
import { Breadcrumbs } from "~/components/shell/Breadcrumbs";
import { LanguageSwitcher } from "~/components/shell/LanguageSwitcher";
import { Sidebar } from "~/components/shell/Sidebar";
import { useShellState, type ShellToggleProps } from "~/components/shell/useShellState";
import { loadSidebar } from "~/lib/sidebar.server";
import { useInboxCount } from "~/lib/useInboxCount";
import stylesheet from "~/styles.css?url";
import shellStyles from "~/components/shell/shell.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "stylesheet", href: shellStyles },
  { rel: "icon", href: "/favicon.ico", sizes: "32x32" },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
  { rel: "apple-touch-icon", href: "/apple-touch-icon.png" },
  { rel: "manifest", href: "/manifest.webmanifest" },
];

export async function loader({ context, params }: LoaderFunctionArgs) {
  const { user, locale, requestId } = context;
  const [tenants, inbox, sidebar] = user
    ? await context.tx((tx) =>
        Promise.all([tenantsOfUser(tx, user.id), inboxCount(tx, user.id), loadActor(tx, user.id).then((actor) => loadSidebar(tx, actor, params.spaceId))])
      )
    : [[], 0, null];
  const current = tenants.find((t) => t.id === user?.currentTenantId) ?? tenants[0] ?? null;
  // The open space (authorised: the sidebar found it among the user's spaces): its parties' other zones.
  const zones = sidebar?.current ? await context.tx((tx) => spaceTimeZones(tx, sidebar.current!.spaceId)) : [];
  const clock = clockOf(current ? { zone: current.timeZone, country: current.country } : null, locale, zones);
  return {
    locale,
    requestId,
    /** Where the reader reads times: their tenant's zone, and the open space's other zones. */
    clock,
    user: user ? { id: user.id, name: user.name, email: user.email } : null,
    tenants: tenants.map((t) => ({ id: t.id, slug: t.slug, name: t.name, role: t.role })),
    currentTenant: current ? { id: current.id, slug: current.slug, name: current.name } : null,
    /** Unread notifications and invitations waiting for the user's tenants (the header's count; live from `/inbox/events`). */
    inbox,
    /** The app shell's sidebar: the user's spaces, and the open space's documents and boards. */
    sidebar,
  };
}

export type RootData = Awaited<ReturnType<typeof loader>>;
export const useRootData = () => useRouteLoaderData<typeof loader>("root");

export const meta: MetaFunction = () => [{ title: "Twinning" }];

export function Layout({ children }: { children: ReactNode }) {
  const data = useRootData();
  const info = useRequestInfo();
  const locale = data?.locale ?? info.locale;
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="twinning-request" content={JSON.stringify({ requestId: info.requestId, locale: info.locale })} />
        <Meta />
        <Links />
      </head>
      <body>
        <I18nProvider locale={locale} clock={data?.clock ?? { zone: defaultZone(locale), country: null, others: [] }}>
          <Shell>{children}</Shell>
        </I18nProvider>
        <ScrollRestoration nonce={info.nonce} />
        <Scripts nonce={info.nonce} />
      </body>
    </html>
  );
}

function Shell({ children }: { children: ReactNode }) {
  const { t } = useT();
  const data = useRootData();
  // Live on every page: the user's own event stream sends the count as things arrive or are read.
  const inbox = useInboxCount(data?.inbox ?? 0, !!data?.user);
  const shell = useShellState();
  const sidebar = data?.user && data.sidebar ? data.sidebar : null;
  return (
    <div className={`app-frame${sidebar ? " has-sidebar" : ""}${shell.hidden ? " sidebar-hidden" : ""}${shell.drawer ? " drawer-open" : ""}`}>
      <a className="skip-link" href="#main">
        {t("app.skipToContent")}
      </a>
      <Header inbox={inbox} toggle={sidebar ? shell.toggleProps : null} />
      <div className="app-body">
        {sidebar ? (
          <>
            <div ref={shell.sidebarRef} className="sidebar-frame" onKeyDown={shell.onSidebarKey}>
              <Sidebar root={data!} sidebar={sidebar} inbox={inbox} onHide={shell.hide} />
            </div>
            <div className="drawer-backdrop" aria-hidden="true" onClick={shell.hide} />
          </>
        ) : null}
        {/* Behind an open drawer the page is inert: focus and the screen reader stay in the drawer. */}
        <main id="main" tabIndex={-1} {...(shell.drawer ? { inert: "" } : {})}>
          <Breadcrumbs />
          {children}
        </main>
      </div>
    </div>
  );
}

function Header({ inbox, toggle }: { inbox: number; toggle: ShellToggleProps | null }) {
  const data = useRootData();
  const { t } = useT();
  return (
    <header className="site-header">
      {toggle ? (
        <a {...toggle} className="sidebar-toggle icon-button" title={t("shell.toggleSidebar")}>
          <MenuIcon aria-hidden="true" size={20} />
          <span className="visually-hidden">{t("shell.toggleSidebar")}</span>
        </a>
      ) : null}
      <Link to="/" className="brand">
        {t("app.name")}
      </Link>
      {data?.user ? (
        <>
          <SearchBox />
          <Link to="/inbox" className="inbox-link" aria-label={inbox ? t("inbox.navCount", { count: inbox }) : t("inbox.nav")} title={t("inbox.nav")}>
            <InboxIcon aria-hidden="true" size={20} />
            {inbox ? (
              <span className="inbox-count" aria-hidden="true">
                {inbox}
              </span>
            ) : null}
          </Link>
        </>
      ) : (
        // Visitors: the language and the way in; signed-in users find both in the sidebar.
        <>
          <LanguageSwitcher />
          <nav aria-label={t("app.mainNav")} className="user-nav">
            <Link to="/login">{t("nav.logIn")}</Link>
            <Link to="/signup">{t("nav.signUp")}</Link>
          </nav>
        </>
      )}
    </header>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
