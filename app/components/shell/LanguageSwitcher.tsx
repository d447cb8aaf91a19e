import { Form, useLocation } from "@remix-run/react";
import { LOCALES } from "@twinning/domain";
import { useT } from "~/lib/i18n";

/** The three languages as buttons that post to `/locale` and come back to this page (the header for visitors, the sidebar's foot when signed in). */
export function LanguageSwitcher() {
  const { t, locale } = useT();
  const location = useLocation();
  return (
    <nav aria-label={t("nav.language")} className="language-switcher">
      <Form method="post" action="/locale">
        <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
        {LOCALES.map((l) => (
          <button key={l} type="submit" name="locale" value={l} lang={l} aria-pressed={l === locale} className="link-button">
            {t(`languages.${l}`)}
          </button>
        ))}
      </Form>
    </nav>
  );
}
