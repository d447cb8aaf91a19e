import type { TenantKind } from "@twinning/domain";
import { useT } from "~/lib/i18n";

/**
 * A tenant as a list shows it where two of one name must be told apart (partner search, network
 * requests): its name, then short name, kind, country and, when known, its member count.
 */
export function TenantFacts({ tenant, memberCount }: { tenant: { name: string; slug: string; kind: TenantKind; country: string }; memberCount?: number }) {
  const { t } = useT();
  const facts = [
    t("space.shortNameIs", { slug: tenant.slug }),
    t(`kinds.${tenant.kind}`),
    t(`countries.${tenant.country}`, { defaultValue: tenant.country }),
    ...(memberCount === undefined ? [] : [t("space.memberCount", { count: memberCount })]),
  ];
  return (
    <span>
      <strong>{tenant.name}</strong> ({facts.join(", ")})
    </span>
  );
}
