import type { MetaFunction, SerializeFrom } from "@remix-run/node";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { addWebhookWithinLimit, deleteWebhook, findWebhook, pingWebhook, setWebhookActive, updateWebhook, webhooksWithLastDelivery } from "@twinning/db";
import { newWebhookSecret } from "@twinning/auth";
import { can, isUuid, LIMITS, type WebhookEvent } from "@twinning/domain";
import { ConfirmAction } from "~/components/ConfirmAction";
import { ErrorPage } from "~/components/ErrorPage";
import { Notice } from "~/components/Field";
import { VersionTime } from "~/components/document/HistoryPanel";
import { DeliveryState, useEventName, WebhookFields, WebhookSecret, type WebhookFormError, type WebhookTyped } from "~/components/webhooks/WebhookParts";
import { authorizeSpace, notFound, requireUser } from "~/lib/access.server";
import { readAction } from "~/lib/actions.server";
import { spaceCrumbs, type CrumbsHandle } from "~/lib/breadcrumbs";
import { errorKey } from "~/lib/forms";
import { useT } from "~/lib/i18n";
import { pageTitle } from "~/lib/meta";

const ROUTE = "routes/s.$spaceId_.webhooks";
const NOTICES = ["saved", "paused", "resumed", "pinged", "deleted"] as const;

/** A space's webhooks, for its host's admins (seen with "space.manage", changed with "space.update"). */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  return context.tx(async (tx) => {
    const { space, facts, actor } = await authorizeSpace(tx, user, params.spaceId, "space.manage");
    return {
      space: { id: space.id, title: space.title, archived: space.archivedAt !== null },
      canUpdate: can(actor, "space.update", { type: "space", space: facts }),
      webhooks: await webhooksWithLastDelivery(tx, space.id),
      max: LIMITS.webhooksPerSpace,
    };
  });
}

type ActionData =
  | { intent: "createWebhook"; created: { url: string; secret: string } }
  | { intent: string; webhookId?: string; error: WebhookFormError; typed: WebhookTyped };

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const formData = await request.formData();
  return context.tx(async (tx) => {
    const { space } = await authorizeSpace(tx, user, params.spaceId, "space.update");
    const input = readAction(ROUTE, formData);
    const typed: WebhookTyped = {
      url: String(formData.get("url") ?? ""),
      description: String(formData.get("description") ?? ""),
      events: formData.getAll("events").map(String),
      active: formData.get("active") === "on",
    };
    const back = (done: (typeof NOTICES)[number]) => redirect(`/s/${space.id}/webhooks?done=${done}`);
    // The webhook named in the body, looked up in this space only: another space's (or none) is a 404.
    const own = async (webhookId: string) => (await findWebhook(tx, space.id, webhookId)) ?? notFound();
    if (!input.ok) {
      const webhookId = String(formData.get("webhookId") ?? "");
      if (input.intent !== "createWebhook" && isUuid(webhookId)) await own(webhookId);
      return data<ActionData>({ intent: input.intent, webhookId, error: { field: input.field, message: input.error }, typed }, { status: 400 });
    }
    switch (input.intent) {
      case "createWebhook": {
        const secret = newWebhookSecret();
        const result = await addWebhookWithinLimit(tx, { space, ...input.data, events: input.data.events as WebhookEvent[], secret, actorId: user.id });
        if (!result.ok) {
          return data<ActionData>(
            { intent: input.intent, error: { message: errorKey("webhookLimit", { max: LIMITS.webhooksPerSpace }) }, typed },
            { status: 400 },
          );
        }
        context.log.info({ spaceId: space.id, webhookId: result.id }, "webhook added");
        // The secret is in this answer only: the page shows it once.
        return data<ActionData>({ intent: input.intent, created: { url: input.data.url, secret } });
      }
      case "updateWebhook": {
        await own(input.data.webhookId);
        if (!(await updateWebhook(tx, { space, ...input.data, events: input.data.events as WebhookEvent[], actorId: user.id }))) notFound();
        context.log.info({ spaceId: space.id, webhookId: input.data.webhookId }, "webhook changed");
        throw back("saved");
      }
      case "setWebhookActive": {
        const active = input.data.to === "active";
        if (!(await setWebhookActive(tx, { space, webhookId: input.data.webhookId, active, actorId: user.id }))) notFound();
        throw back(active ? "resumed" : "paused");
      }
      case "pingWebhook": {
        const webhook = await own(input.data.webhookId);
        if (!webhook.active) {
          return data<ActionData>(
            {
              intent: input.intent,
              webhookId: webhook.id,
              error: { message: "webhookPaused" },
              typed: { url: webhook.url, description: webhook.description, events: webhook.events, active: webhook.active },
            },
            { status: 400 },
          );
        }
        if (!(await pingWebhook(tx, { space, webhookId: webhook.id }))) notFound();
        throw back("pinged");
      }
      case "deleteWebhook": {
        if (!(await deleteWebhook(tx, { space, webhookId: input.data.webhookId, actorId: user.id }))) notFound();
        context.log.info({ spaceId: space.id, webhookId: input.data.webhookId }, "webhook deleted");
        throw back("deleted");
      }
    }
  });
}

export const meta: MetaFunction = (args) => pageTitle(args, "webhooks.title");

export const handle: CrumbsHandle<SerializeFrom<typeof loader>> = { crumbs: ({ space }) => spaceCrumbs(space) };

export default function SpaceWebhooks() {
  const { space, canUpdate, webhooks, max } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const { t, date } = useT();
  const eventName = useEventName();
  const [params] = useSearchParams();
  const done = params.get("done");
  const notice = !actionData && NOTICES.includes(done as never) ? done : null;
  const created = actionData && "created" in actionData ? actionData.created : null;
  const failed = actionData && "error" in actionData ? actionData : null;
  const addError = failed?.intent === "createWebhook" ? failed : null;
  const empty: WebhookTyped = { url: "", description: "", events: [], active: true };
  return (
    <section className="stack webhooks-page">
      <h1>{t("webhooks.title")}</h1>
      <p className="muted">{t("webhooks.intro")}</p>
      {space.archived ? <p className="muted">{t("webhooks.archivedHint")}</p> : null}
      {notice ? <Notice>{t(`webhooks.notices.${notice}`)}</Notice> : null}
      {created ? <WebhookSecret url={created.url} secret={created.secret} /> : null}

      <h2 id="webhooks-list-heading">
        {t("webhooks.listHeading")} <span className="muted webhook-count">({t("webhooks.count", { count: webhooks.length, max })})</span>
      </h2>
      {webhooks.length ? (
        <ul className="webhook-list" aria-labelledby="webhooks-list-heading">
          {webhooks.map((w) => {
            const mine = failed && failed.intent !== "createWebhook" && failed.webhookId === w.id ? failed : null;
            const typed: WebhookTyped =
              mine?.intent === "updateWebhook" ? mine.typed : { url: w.url, description: w.description, events: w.events, active: w.active };
            return (
              <li key={w.id} className="card stack webhook-item" aria-labelledby={`webhook-${w.id}-title`}>
                <h3 id={`webhook-${w.id}-title`} className="webhook-url">
                  {w.url}
                </h3>
                {w.description ? <p>{w.description}</p> : null}
                {mine && mine.intent !== "updateWebhook" ? (
                  <div role="alert" className="form-error">
                    <p className="field-errors">{t(`errors.${mine.error.message}`)}</p>
                  </div>
                ) : null}
                <dl className="webhook-facts">
                  <div>
                    <dt>{t("webhooks.stateLabel")}</dt>
                    <dd>
                      <span className={`badge webhook-${w.active ? "active" : "paused"}`}>{w.active ? t("webhooks.active") : t("webhooks.paused")}</span>
                    </dd>
                  </div>
                  <div>
                    <dt>{t("webhooks.eventsLabel")}</dt>
                    <dd>{w.events.map(eventName).join(", ")}</dd>
                  </div>
                  <div>
                    <dt>{t("webhooks.lastLabel")}</dt>
                    <dd>
                      {w.lastState && w.lastAt ? (
                        <>
                          <DeliveryState state={w.lastState} /> {eventName(w.lastEvent ?? "")} · <VersionTime value={String(w.lastAt)} />
                          {w.lastStatus !== null ? ` · ${t("webhooks.log.status", { status: w.lastStatus })}` : ""}
                        </>
                      ) : (
                        t("webhooks.lastNone")
                      )}
                    </dd>
                  </div>
                  <div>
                    <dt>{t("webhooks.addedLabel")}</dt>
                    <dd>{w.createdByName ? t("webhooks.addedBy", { date: date(w.createdAt), name: w.createdByName }) : date(w.createdAt)}</dd>
                  </div>
                </dl>
                <div className="inline-form webhook-actions">
                  <Link to={`/s/${space.id}/webhooks/${w.id}`} aria-label={t("webhooks.deliveriesNamed", { url: w.url })}>
                    {t("webhooks.deliveries")}
                  </Link>
                  {canUpdate ? (
                    <>
                      {w.active ? (
                        <Form method="post">
                          <input type="hidden" name="intent" value="pingWebhook" />
                          <input type="hidden" name="webhookId" value={w.id} />
                          <button type="submit" className="secondary" aria-label={t("webhooks.pingNamed", { url: w.url })}>
                            {t("webhooks.ping")}
                          </button>
                        </Form>
                      ) : null}
                      <Form method="post">
                        <input type="hidden" name="intent" value="setWebhookActive" />
                        <input type="hidden" name="webhookId" value={w.id} />
                        <input type="hidden" name="to" value={w.active ? "paused" : "active"} />
                        <button
                          type="submit"
                          className="secondary"
                          aria-label={w.active ? t("webhooks.pauseNamed", { url: w.url }) : t("webhooks.resumeNamed", { url: w.url })}
                        >
                          {w.active ? t("webhooks.pause") : t("webhooks.resume")}
                        </button>
                      </Form>
                      <ConfirmAction
                        label={t("webhooks.deleteOpen")}
                        ariaLabel={t("webhooks.deleteNamed", { url: w.url })}
                        title={t("webhooks.deleteTitle", { url: w.url })}
                        message={t("webhooks.deleteText")}
                        confirm={t("webhooks.delete")}
                        fields={{ intent: "deleteWebhook", webhookId: w.id }}
                      />
                    </>
                  ) : null}
                </div>
                {canUpdate ? (
                  <details className="webhook-edit" open={mine?.intent === "updateWebhook" ? true : undefined}>
                    <summary aria-label={t("webhooks.editNamed", { url: w.url })}>{t("webhooks.edit")}</summary>
                    <Form method="post" noValidate className="stack" key={mine ? JSON.stringify(mine.typed) : w.id}>
                      <input type="hidden" name="intent" value="updateWebhook" />
                      <input type="hidden" name="webhookId" value={w.id} />
                      <WebhookFields idPrefix={`webhook-${w.id}`} typed={typed} error={mine?.intent === "updateWebhook" ? mine.error : undefined} editing />
                      <button type="submit">{t("webhooks.save")}</button>
                    </Form>
                  </details>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="muted">{t("webhooks.none")}</p>
      )}

      {canUpdate ? (
        webhooks.length >= max ? (
          <p className="form-error">{t("webhooks.limitReached", { max })}</p>
        ) : (
          <Form method="post" noValidate className="card stack" aria-labelledby="webhook-add-heading" key={created ? created.secret : "add"}>
            <h2 id="webhook-add-heading">{t("webhooks.addHeading")}</h2>
            <input type="hidden" name="intent" value="createWebhook" />
            <WebhookFields idPrefix="webhook-new" typed={addError ? addError.typed : empty} error={addError?.error} />
            <button type="submit">{t("webhooks.add")}</button>
          </Form>
        )
      ) : null}
    </section>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
