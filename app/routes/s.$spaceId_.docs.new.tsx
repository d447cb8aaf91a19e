import type { SerializeFrom } from "@remix-run/node";
import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { createDocument } from "@twinning/db";
import { createDocumentSchema, DOCUMENT_TEMPLATES, DOCUMENT_TYPES, LIMITS, LOCALES } from "@twinning/domain";
import { jsonToYUpdate, templateContent, withBlockIds } from "@twinning/editor";
import { FormMessage, SelectField, TextField } from "~/components/Field";
import { ErrorPage } from "~/components/ErrorPage";
import { authorizeSpace, requireUser } from "~/lib/access.server";
import { spaceCrumbs, type CrumbsHandle } from "~/lib/breadcrumbs";
import { useT } from "~/lib/i18n";
import type { MetaFunction } from "@remix-run/node";
import { pageTitle } from "~/lib/meta";

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const { space } = await context.tx((tx) => authorizeSpace(tx, user, params.spaceId, "space.edit"));
  return { space: { id: space.id, title: space.title }, language: context.locale };
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const submission = parseWithZod(await request.formData(), { schema: createDocumentSchema });
  return context.tx(async (tx) => {
    const { space } = await authorizeSpace(tx, user, params.spaceId, "space.edit");
    if (submission.status !== "success") return data(submission.reply(), { status: 400 });
    const { template, title, type, language } = submission.value;
    const doc = await createDocument(tx, {
      spaceId: space.id,
      type,
      title,
      language,
      template,
      // Its blocks named from the start, so no editor has to name them on its first keystroke.
      initialState: jsonToYUpdate(withBlockIds(templateContent(template, language))),
      actorId: user.id,
    });
    context.log.info({ documentId: doc.id, spaceId: space.id, template }, "document created");
    throw redirect(`/s/${space.id}/docs/${doc.id}`);
  });
}

export const meta: MetaFunction = (args) => pageTitle(args, "document.newTitle");

export const handle: CrumbsHandle<SerializeFrom<typeof loader>> = { crumbs: ({ space }) => spaceCrumbs(space) };

export default function NewDocument() {
  const { space, language } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const { t } = useT();
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: createDocumentSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    defaultValue: { template: "blank", type: "note", language },
  });
  return (
    <section className="narrow stack">
      <h1>{t("document.newTitle")}</h1>
      <Form method="post" {...getFormProps(form)} className="card">
        <FormMessage id={form.errorId} errors={form.errors} />
        <SelectField
          field={fields.template}
          label={t("document.template")}
          options={DOCUMENT_TEMPLATES.map((id) => ({ value: id, label: t(`templates.${id}`) }))}
          hint={t("document.templateHint")}
        />
        <TextField field={fields.title} label={t("document.title")} maxLength={LIMITS.documentTitleLength} autoComplete="off" />
        <SelectField field={fields.type} label={t("document.type")} options={DOCUMENT_TYPES.map((type) => ({ value: type, label: t(`documentTypes.${type}`) }))} />
        <SelectField field={fields.language} label={t("document.language")} options={LOCALES.map((l) => ({ value: l, label: t(`languages.${l}`) }))} />
        <button type="submit">{t("document.create")}</button>
      </Form>
    </section>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}

