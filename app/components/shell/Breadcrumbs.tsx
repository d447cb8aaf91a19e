import { Link, useMatches } from "@remix-run/react";
import { ChevronRight } from "lucide-react";
import type { Crumb, CrumbsHandle } from "~/lib/breadcrumbs";
import { useT } from "~/lib/i18n";

/** The trail of the deepest route that declares one (`handle.crumbs`), above the page's heading. */
export function Breadcrumbs() {
  const { t } = useT();
  const matches = useMatches();
  let crumbs: Crumb[] = [];
  for (const match of matches) {
    const handle = match.handle as Partial<CrumbsHandle<unknown>> | undefined;
    if (handle?.crumbs && match.data) crumbs = handle.crumbs(match.data);
  }
  if (!crumbs.length) return null;
  return (
    <nav className="breadcrumbs" aria-label={t("shell.breadcrumbs")}>
      <ol>
        {crumbs.map((crumb, i) => (
          <li key={crumb.to}>
            {i > 0 ? <ChevronRight aria-hidden="true" size={14} /> : null}
            <Link to={crumb.to}>{"label" in crumb ? crumb.label : t(crumb.key)}</Link>
          </li>
        ))}
      </ol>
    </nav>
  );
}
