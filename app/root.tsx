import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, Links, Meta, Outlet, Scripts, ScrollRestoration, useLocation, useRouteLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { tenantsOfUser } from "@twinning/db";
import { LOCALES } from "@twinning/domain";
import { ErrorPage } from "~/components/ErrorPage";
import { I18nProvider, useRequestInfo, useT } from "~/lib/i18n";
import { forgetOfflineCopies } from "~/lib/offline";
import stylesheet from "~/styles.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: stylesheet }];

export async function loader({ context }: LoaderFunctionArgs) {
  const { user, locale, requestId } = context;
  const tenants = user ? await context.tx((tx) => tenantsOfUser(tx, user.id)) : [];
  const current = tenants.find((t) => t.id === user?.currentTenantId) ?? tenants[0] ?? null;
  return {
    locale,
    requestId,
    user: user ? { id: user.id, name: user.name, email: user.email } : null,
    tenants: tenants.map((t) => ({ id: t.id, slug: t.slug, name: t.name, role: t.role })),
    currentTenant: current ? { id: current.id, slug: current.slug, name: current.name } : null,
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
        <I18nProvider locale={locale}>
          <Shell>{children}</Shell>
        </I18nProvider>
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

function Shell({ children }: { children: ReactNode }) {
  const { t } = useT();
  return (
    <>
      <a className="skip-link" href="#main">
        {t("app.skipToContent")}
      </a>
      <Header />
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

function Header() {
  const data = useRootData();
  const { t, locale } = useT();
  const location = useLocation();
  const here = location.pathname + location.search;
  return (
    <header className="site-header">
      <Link to="/" className="brand">
        {t("app.name")}
      </Link>
      {data?.currentTenant ? (
        <Form method="post" action="/switch-tenant" className="tenant-switcher">
          <input type="hidden" name="redirectTo" value={here} />
          <label htmlFor="tenant-switch" className="visually-hidden">
            {t("nav.switchTenant")}
          </label>
          <select id="tenant-switch" name="tenantId" defaultValue={data.currentTenant.id} key={data.currentTenant.id}>
            {data.tenants.map((tenant) => (
              <option key={tenant.id} value={tenant.id}>
                {tenant.name}
              </option>
            ))}
          </select>
          <button type="submit" className="secondary">
            {t("nav.switchTenant")}
          </button>
        </Form>
      ) : null}
      <nav aria-label={t("nav.language")} className="language-switcher">
        <Form method="post" action="/locale">
          <input type="hidden" name="redirectTo" value={here} />
          {LOCALES.map((l) => (
            <button key={l} type="submit" name="locale" value={l} lang={l} aria-pressed={l === locale} className="link-button">
              {t(`languages.${l}`)}
            </button>
          ))}
        </Form>
      </nav>
      <nav aria-label={t("app.mainNav")} className="user-nav">
        {data?.user ? (
          <>
            <Link to="/account" aria-label={t("nav.userMenu", { name: data.user.name })}>
              {data.user.name}
            </Link>
            <Form method="post" action="/logout" onSubmit={() => void forgetOfflineCopies()}>
              <button type="submit" className="link-button">
                {t("nav.logOut")}
              </button>
            </Form>
          </>
        ) : (
          <>
            <Link to="/login">{t("nav.logIn")}</Link>
            <Link to="/signup">{t("nav.signUp")}</Link>
          </>
        )}
      </nav>
    </header>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
