import { getFormProps, useForm } from "@conform-to/react";
import { useRef } from "react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { createTenant } from "@twinning/db";
import { COUNTRIES, createTenantSchema, LIMITS, slugify, TENANT_KINDS } from "@twinning/domain";
import { FormMessage, SelectField, TextField } from "~/components/Field";
import { requireUser } from "~/lib/access.server";
import { useT } from "~/lib/i18n";
import type { MetaFunction } from "@remix-run/node";
import { pageTitle } from "~/lib/meta";

export async function loader({ context, request }: LoaderFunctionArgs) {
  requireUser(context, request);
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const formData = await request.formData();
  // No short name typed (no JavaScript to suggest one): the one suggested from the name.
  if (!String(formData.get("slug") ?? "").trim()) formData.set("slug", slugify(String(formData.get("name") ?? "")));
  const submission = parseWithZod(formData, { schema: createTenantSchema });
  if (submission.status !== "success") return data(submission.reply(), { status: 400 });
  const result = await context.tx((tx) => createTenant(tx, { ...submission.value, ownerId: user.id }));
  if (!result.ok) {
    const field = result.error === "slugTaken" ? "slug" : "parentSlug";
    return data(submission.reply({ fieldErrors: { [field]: [result.error] } }), { status: 400 });
  }
  context.log.info({ tenantId: result.tenant.id, userId: user.id }, "tenant created");
  throw redirect(`/t/${result.tenant.slug}`);
}

export const meta: MetaFunction = (args) => pageTitle(args, "tenant.newTitle");

export default function NewTenant() {
  const { t } = useT();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: createTenantSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    defaultValue: { kind: "municipality", country: "DK" },
  });
  const slugTyped = useRef(false);
  return (
    <section className="narrow stack">
      <h1>{t("tenant.newTitle")}</h1>
      <p>{t("tenant.newLead")}</p>
      <Form
        method="post"
        {...getFormProps(form)}
        className="card"
        // The short name follows the name as it is typed, until the user types one of their own.
        onInput={(event) => {
          const target = event.target as HTMLInputElement;
          if (target.name === fields.slug.name) slugTyped.current = target.value !== "";
          else if (target.name === fields.name.name && !slugTyped.current) form.update({ name: fields.slug.name, value: slugify(target.value) });
        }}
      >
        <FormMessage id={form.errorId} errors={form.errors} />
        <TextField field={fields.name} label={t("tenant.name")} maxLength={LIMITS.tenantNameLength} autoComplete="organization" />
        <TextField field={fields.slug} label={t("tenant.slug")} hint={t("tenant.slugHint")} maxLength={LIMITS.slugLength} autoComplete="off" />
        <SelectField field={fields.kind} label={t("tenant.kind")} options={TENANT_KINDS.map((k) => ({ value: k, label: t(`kinds.${k}`) }))} />
        <SelectField field={fields.country} label={t("tenant.country")} options={COUNTRIES.map((c) => ({ value: c, label: t(`countries.${c}`) }))} />
        <TextField field={fields.parentSlug} label={t("tenant.parent")} hint={t("tenant.slugHint")} maxLength={LIMITS.slugLength} autoComplete="off" />
        <button type="submit">{t("tenant.create")}</button>
      </Form>
    </section>
  );
}
