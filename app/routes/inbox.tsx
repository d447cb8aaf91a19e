import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { listNotifications, markAllNotificationsRead, markNotificationRead, waitingInvitations } from "@twinning/db";
import { isUuid } from "@twinning/domain";
import { ErrorPage } from "~/components/ErrorPage";
import { notFound, requireUser } from "~/lib/access.server";
import { readAction } from "~/lib/actions.server";
import { useT } from "~/lib/i18n";

/**
 * The user's inbox: approvals asked of their tenants, approvals and change requests, signatures,
 * mentions and replies (read or unread), and space invitations waiting for a tenant they administer.
 * Row-level security shows only their own notifications, and only of spaces they still take part in.
 */
export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  return context.tx(async (tx) => {
    const [items, invitations] = await Promise.all([listNotifications(tx, user.id), waitingInvitations(tx, user.id)]);
    return {
      items: items.map((n) => ({ ...n, createdAt: n.createdAt.toISOString(), read: n.readAt !== null })),
      invitations: invitations.map((i) => ({ ...i, invitedAt: i.invitedAt.toISOString() })),
    };
  });
}

export async function action({ context, request }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const formData = await request.formData();
  return context.tx(async (tx) => {
    const input = readAction("routes/inbox", formData);
    if (!input.ok) return data({ error: input.error }, { status: 400 });
    if (input.intent === "markRead") {
      // Another user's notification, or none: not found.
      if (!(await markNotificationRead(tx, { userId: user.id, notificationId: input.data.notificationId }))) notFound();
    } else await markAllNotificationsRead(tx, { userId: user.id });
    return { ok: true };
  });
}

export const meta: MetaFunction = () => [{ title: "Twinning" }];

export default function Inbox() {
  const { items, invitations } = useLoaderData<typeof loader>();
  const { t, date } = useT();
  const unread = items.filter((i) => !i.read).length;
  return (
    <section className="stack inbox">
      <h1>{t("inbox.title")}</h1>
      {invitations.length ? (
        <section aria-labelledby="inbox-invitations">
          <h2 id="inbox-invitations">{t("inbox.invitations")}</h2>
          <ul className="inbox-list">
            {invitations.map((i) => (
              <li key={`${i.spaceId}-${i.tenantSlug}`} className="inbox-item unread">
                <p>{t("inbox.invitation", { host: i.hostName, tenant: i.tenantName, space: i.spaceTitle })}</p>
                <p className="muted">
                  <time dateTime={i.invitedAt}>{date(i.invitedAt)}</time> · <Link to={`/t/${i.tenantSlug}`}>{t("inbox.answer", { tenant: i.tenantName })}</Link>
                </p>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section aria-labelledby="inbox-notifications">
        <div className="inbox-heading">
          <h2 id="inbox-notifications">{t("inbox.notifications")}</h2>
          {unread ? (
            <Form method="post">
              <button type="submit" name="intent" value="markAllRead" className="secondary">
                {t("inbox.markAllRead")}
              </button>
            </Form>
          ) : null}
        </div>
        {items.length ? (
          <ul className="inbox-list">
            {items.map((n) => {
              const text = t(`inbox.kinds.${n.kind}`, { actor: n.actorName ?? "", tenant: n.tenantName ?? "", document: n.documentTitle ?? n.details.title ?? "" });
              // A mention or reply opens the document with its thread shown in the comments panel.
              const thread = isUuid(n.details.threadId) ? `?thread=${n.details.threadId}` : "";
              const to = n.documentId ? `/s/${n.spaceId}/docs/${n.documentId}${thread}` : `/s/${n.spaceId}`;
              return (
                <li key={n.id} className={`inbox-item${n.read ? "" : " unread"}`} data-kind={n.kind}>
                  <p>
                    {n.read ? null : <span className="badge">{t("inbox.unread")}</span>} <Link to={to}>{text}</Link>
                  </p>
                  {n.details.version ? <p>{t("inbox.version", { version: n.details.version })}</p> : null}
                  {n.details.comment ? <q className="approval-comment">{n.details.comment}</q> : null}
                  <p className="muted">
                    <time dateTime={n.createdAt}>{date(n.createdAt)}</time> · {t("inbox.inSpace", { space: n.spaceTitle })}
                  </p>
                  {n.read ? null : (
                    <Form method="post">
                      <input type="hidden" name="notificationId" value={n.id} />
                      <button type="submit" name="intent" value="markRead" className="link-button" aria-label={`${t("inbox.markRead")}: ${text}`}>
                        {t("inbox.markRead")}
                      </button>
                    </Form>
                  )}
                </li>
              );
            })}
          </ul>
        ) : (
          <p className="muted">{t("inbox.empty")}</p>
        )}
      </section>
    </section>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
