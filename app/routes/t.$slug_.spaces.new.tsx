import type { SerializeFrom } from "@remix-run/node";
import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { createSpace } from "@twinning/db";
import { createSpaceSchema, LIMITS } from "@twinning/domain";
import { FormMessage, TextField } from "~/components/Field";
import { SpaceLookFields } from "~/components/SpaceLook";
import { authorizeTenant, requireUser } from "~/lib/access.server";
import { tenantCrumbs, type CrumbsHandle } from "~/lib/breadcrumbs";
import { useT } from "~/lib/i18n";
import type { MetaFunction } from "@remix-run/node";
import { pageTitle } from "~/lib/meta";

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const { tenant } = await context.tx((tx) => authorizeTenant(tx, user, params.slug, "tenant.createSpace"));
  return { tenant: { name: tenant.name, slug: tenant.slug } };
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const submission = parseWithZod(await request.formData(), { schema: createSpaceSchema });
  return context.tx(async (tx) => {
    const { tenant } = await authorizeTenant(tx, user, params.slug, "tenant.createSpace");
    if (submission.status !== "success") return data(submission.reply(), { status: 400 });
    const space = await createSpace(tx, { ...submission.value, hostTenantId: tenant.id, actorId: user.id });
    context.log.info({ spaceId: space.id, tenantId: tenant.id }, "space created");
    throw redirect(`/s/${space.id}`);
  });
}

export const meta: MetaFunction = (args) => pageTitle(args, "space.newTitle");

export const handle: CrumbsHandle<SerializeFrom<typeof loader>> = { crumbs: ({ tenant }) => tenantCrumbs(tenant) };

export default function NewSpace() {
  const { tenant } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const { t } = useT();
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: createSpaceSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    defaultValue: { color: "blue", icon: "handshake" },
  });
  const privateField = getInputProps(fields.private, { type: "checkbox" });
  return (
    <section className="narrow stack">
      <h1>{t("space.newTitle")}</h1>
      <p>{t("space.newLead", { tenant: tenant.name })}</p>
      <Form method="post" {...getFormProps(form)} className="card">
        <FormMessage id={form.errorId} errors={form.errors} />
        <TextField field={fields.title} label={t("space.title")} maxLength={LIMITS.spaceTitleLength} autoComplete="off" />
        <TextField field={fields.purpose} label={t("space.purpose")} maxLength={LIMITS.descriptionLength} autoComplete="off" />
        <SpaceLookFields color={fields.color} icon={fields.icon} />
        <div className="field checkbox">
          <input {...privateField} key={privateField.key} aria-describedby={`${fields.private.id}-hint`} />
          <label htmlFor={fields.private.id}>{t("space.private")}</label>
          <p id={`${fields.private.id}-hint`} className="hint">
            {t("space.privateHint")}
          </p>
        </div>
        <button type="submit">{t("space.submit")}</button>
      </Form>
    </section>
  );
}
