import type { MetaFunction, SerializeFrom } from "@remix-run/node";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { deliveriesOf, findWebhook, redeliver } from "@twinning/db";
import { can, isUuid } from "@twinning/domain";
import { ErrorPage } from "~/components/ErrorPage";
import { Notice } from "~/components/Field";
import { VersionTime } from "~/components/document/HistoryPanel";
import { DeliveryState, useEventName } from "~/components/webhooks/WebhookParts";
import { authorizeSpace, notFound, requireUser } from "~/lib/access.server";
import { readAction } from "~/lib/actions.server";
import { spaceCrumbs, type CrumbsHandle } from "~/lib/breadcrumbs";
import { useT } from "~/lib/i18n";
import { pageTitle } from "~/lib/meta";

const ROUTE = "routes/s.$spaceId_.webhooks_.$webhookId";

/** The webhook of this space named in the address (a malformed id, or another space's, is a 404). */
async function webhookOf(tx: Parameters<typeof findWebhook>[0], spaceId: string, webhookId: string | undefined) {
  if (!isUuid(webhookId)) notFound();
  return (await findWebhook(tx, spaceId, webhookId)) ?? notFound();
}

/** A webhook's latest 50 deliveries with what was sent and answered, for the space's host admins. */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  return context.tx(async (tx) => {
    const { space, facts, actor } = await authorizeSpace(tx, user, params.spaceId, "space.manage");
    const webhook = await webhookOf(tx, space.id, params.webhookId);
    return {
      space: { id: space.id, title: space.title },
      webhook: { id: webhook.id, url: webhook.url, description: webhook.description, active: webhook.active },
      canUpdate: can(actor, "space.update", { type: "space", space: facts }),
      deliveries: await deliveriesOf(tx, { spaceId: space.id, webhookId: webhook.id, limit: 50 }),
    };
  });
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const formData = await request.formData();
  return context.tx(async (tx) => {
    const { space } = await authorizeSpace(tx, user, params.spaceId, "space.update");
    const webhook = await webhookOf(tx, space.id, params.webhookId);
    const input = readAction(ROUTE, formData);
    if (!input.ok) throw new Response("Bad Request", { status: 400 });
    // Only a delivery of this webhook that is not already waiting; anything else is not found.
    if (!(await redeliver(tx, { space, webhookId: webhook.id, deliveryId: input.data.deliveryId }))) notFound();
    throw redirect(`/s/${space.id}/webhooks/${webhook.id}?done=redelivered`);
  });
}

export const meta: MetaFunction = (args) => pageTitle(args, "webhooks.log.heading");

export const handle: CrumbsHandle<SerializeFrom<typeof loader>> = {
  crumbs: ({ space }) => [...spaceCrumbs(space), { to: `/s/${space.id}/webhooks`, key: "webhooks.title" }],
};

/** A body as sent: JSON laid out to be read, anything else as it is. */
function readable(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

export default function WebhookDeliveries() {
  const { space, webhook, canUpdate, deliveries } = useLoaderData<typeof loader>();
  const { t } = useT();
  const eventName = useEventName();
  const [params] = useSearchParams();
  return (
    <section className="stack webhooks-page">
      <h1>{t("webhooks.log.heading")}</h1>
      <p className="webhook-url">{t("webhooks.log.to", { url: webhook.url })}</p>
      {webhook.description ? <p>{webhook.description}</p> : null}
      {!webhook.active ? (
        <p>
          <span className="badge webhook-paused">{t("webhooks.paused")}</span>
        </p>
      ) : null}
      <p className="muted">{t("webhooks.log.intro")}</p>
      <div className="inline-form">
        {/* A GET form: the list is read again (without JavaScript too), and the notice of an earlier step goes. */}
        <Form method="get" action={`/s/${space.id}/webhooks/${webhook.id}`}>
          <button type="submit" className="secondary">
            {t("webhooks.log.refresh")}
          </button>
        </Form>
        <Link to={`/s/${space.id}/webhooks`}>{t("webhooks.log.back")}</Link>
      </div>
      {params.get("done") === "redelivered" ? <Notice>{t("webhooks.notices.redelivered")}</Notice> : null}
      {deliveries.length ? (
        <ul className="delivery-list" aria-label={t("webhooks.log.listLabel")}>
          {deliveries.map((d) => (
            <li key={d.id} className="card">
              <details>
                <summary id={`delivery-${d.id}`}>
                  <DeliveryState state={d.state} /> <strong>{eventName(d.event)}</strong> · <VersionTime value={String(d.createdAt)} /> ·{" "}
                  {t("webhooks.log.attempts", { count: d.attempts })}
                  {d.responseStatus !== null ? ` · ${t("webhooks.log.status", { status: d.responseStatus })}` : ""}
                </summary>
                <div className="stack delivery-details">
                  <dl className="webhook-facts">
                    <div>
                      <dt>{t("webhooks.log.queuedAt")}</dt>
                      <dd>
                        <VersionTime value={String(d.createdAt)} />
                      </dd>
                    </div>
                    {d.state === "pending" ? (
                      <div>
                        <dt>{t("webhooks.log.nextAttempt")}</dt>
                        <dd>
                          <VersionTime value={String(d.nextAttemptAt)} />
                        </dd>
                      </div>
                    ) : null}
                    {d.lastAttemptAt ? (
                      <div>
                        <dt>{t("webhooks.log.lastAttempt")}</dt>
                        <dd>
                          <VersionTime value={String(d.lastAttemptAt)} />
                        </dd>
                      </div>
                    ) : null}
                    {d.deliveredAt ? (
                      <div>
                        <dt>{t("webhooks.log.deliveredAt")}</dt>
                        <dd>
                          <VersionTime value={String(d.deliveredAt)} />
                        </dd>
                      </div>
                    ) : null}
                    <div>
                      <dt>{t("webhooks.log.response")}</dt>
                      <dd>{d.responseStatus !== null ? t("webhooks.log.status", { status: d.responseStatus }) : t("webhooks.log.noResponse")}</dd>
                    </div>
                    {d.lastError ? (
                      <div>
                        <dt>{t("webhooks.log.error")}</dt>
                        <dd className="webhook-url">{d.lastError}</dd>
                      </div>
                    ) : null}
                  </dl>
                  <h2 className="delivery-subheading">{t("webhooks.log.bodySent")}</h2>
                  <pre className="delivery-body">{readable(d.payload)}</pre>
                  {d.responseStatus !== null ? (
                    <>
                      <h2 className="delivery-subheading">{t("webhooks.log.responseBody")}</h2>
                      <pre className="delivery-body">{d.responseBody ? readable(d.responseBody) : t("webhooks.log.empty")}</pre>
                    </>
                  ) : null}
                  {canUpdate && d.state !== "pending" ? (
                    <Form method="post">
                      <input type="hidden" name="intent" value="redeliver" />
                      <input type="hidden" name="deliveryId" value={d.id} />
                      <button type="submit" className="secondary" aria-describedby={`delivery-${d.id}`}>
                        {t("webhooks.log.redeliver")}
                      </button>
                    </Form>
                  ) : null}
                </div>
              </details>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t("webhooks.log.none")}</p>
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
