import type { AuditEvent } from "@twinning/db";
import { useT } from "~/lib/i18n";
import { TableScroller } from "~/components/TableScroller";
import { Time } from "~/components/Time";

type Serialized = Omit<AuditEvent, "at"> & { at: string | Date };

/** Audit events as a table: when, who, what (translated, with its details), where. */
export function AuditList({ events, showSpace = false }: { events: Serialized[]; showSpace?: boolean }) {
  const { t } = useT();
  if (!events.length) return <p className="muted">{t("audit.empty")}</p>;
  return (
    <TableScroller label={t("audit.title")}>
      <table>
        <caption className="visually-hidden">{t("audit.title")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("audit.when")}</th>
            <th scope="col">{t("audit.who")}</th>
            <th scope="col">{t("audit.what")}</th>
            {showSpace ? <th scope="col">{t("audit.where")}</th> : null}
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.id}>
              <td>
                <Time value={e.at} />
              </td>
              <td>{e.actorName ?? "—"}</td>
              <td>{auditText(t, e)}</td>
              {showSpace ? <td>{e.spaceTitle ?? e.tenantName ?? ""}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroller>
  );
}

/** What an audit event says, translated with its details (roles in the reader's language). */
export function auditText(t: ReturnType<typeof useT>["t"], e: Pick<Serialized, "action" | "details" | "tenantName">): string {
  return String(
    t(`audit.actions.${e.action}`, { ...e.details, tenant: e.tenantName ?? "", role: translateRole(t, e.details.role), from: translateRole(t, e.details.from), to: translateRole(t, e.details.to) }),
  );
}

function translateRole(t: ReturnType<typeof useT>["t"], role: string | undefined): string {
  if (!role) return "";
  return String(t(`roles.${role}`, { defaultValue: String(t(`spaceRoles.${role}`, { defaultValue: role })) }));
}
