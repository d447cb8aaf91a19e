import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { changePasswordSchema, LIMITS } from "@twinning/domain";
import { FormMessage, Notice, TextField } from "~/components/Field";
import { requireUser } from "~/lib/access.server";
import { useT } from "~/lib/i18n";

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  return { email: user.email };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const submission = parseWithZod(await request.formData(), { schema: changePasswordSchema });
  if (submission.status !== "success") return data({ result: submission.reply(), changed: false }, { status: 400 });
  const result = await context.auth.changePassword({ userId: user.id, ...submission.value });
  if (!result.ok) {
    const field = result.error === "wrongPassword" ? "currentPassword" : "newPassword";
    return data({ result: submission.reply({ fieldErrors: { [field]: [result.error] } }), changed: false }, { status: 400 });
  }
  context.log.info({ userId: user.id }, "password changed; other sessions ended");
  return data({ result: submission.reply({ resetForm: true }), changed: true }, { headers: { "Set-Cookie": result.setCookie } });
}

export default function Account() {
  const { t } = useT();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: changePasswordSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  return (
    <section className="narrow stack">
      <h1>{t("account.title")}</h1>
      <h2>{t("account.passwordHeading")}</h2>
      {actionData?.changed ? <Notice>{t("account.passwordChanged")}</Notice> : null}
      <Form method="post" {...getFormProps(form)} className="card">
        <FormMessage id={form.errorId} errors={form.errors} />
        <TextField field={fields.currentPassword} label={t("account.currentPassword")} type="password" autoComplete="current-password" maxLength={LIMITS.passwordMax} />
        <TextField
          field={fields.newPassword}
          label={t("account.newPassword")}
          type="password"
          autoComplete="new-password"
          maxLength={LIMITS.passwordMax}
          hint={t("auth.passwordHint", { min: LIMITS.passwordMin })}
        />
        <button type="submit">{t("account.changePassword")}</button>
      </Form>
    </section>
  );
}
