import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { changePasswordSchema, LIMITS } from "@twinning/domain";
import { ApiTokens, type TokenActionData } from "~/components/ApiTokens";
import { FormMessage, Notice, TextField } from "~/components/Field";
import { notePasswordChange } from "~/lib/access-lost";
import { requireUser } from "~/lib/access.server";
import { apiTokenAction, apiTokensOfUser } from "~/lib/api-tokens.server";
import { throttledMessage } from "~/lib/forms";
import { useT } from "~/lib/i18n";
import type { MetaFunction } from "@remix-run/node";
import { pageTitle } from "~/lib/meta";

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  return { email: user.email, ...(await apiTokensOfUser(context, user)) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const formData = await request.formData();
  const intent = formData.get("intent");
  if (intent === "createToken" || intent === "revokeToken") return apiTokenAction(context, user, formData);
  const submission = parseWithZod(formData, { schema: changePasswordSchema });
  if (submission.status !== "success") return data({ result: submission.reply(), changed: false }, { status: 400 });
  const result = await context.auth.changePassword({ userId: user.id, ...submission.value, address: context.address });
  if (!result.ok && result.error === "throttled") {
    context.log.warn({ userId: user.id }, "password check throttled");
    return data(
      { result: submission.reply({ fieldErrors: { currentPassword: [throttledMessage(result.retryAfterSeconds)] } }), changed: false },
      { status: 429, headers: { "Retry-After": String(result.retryAfterSeconds) } },
    );
  }
  if (!result.ok) {
    const field = result.error === "wrongPassword" ? "currentPassword" : "newPassword";
    return data({ result: submission.reply({ fieldErrors: { [field]: [result.error] } }), changed: false }, { status: 400 });
  }
  context.log.info({ userId: user.id }, "password changed; other sessions ended");
  return data({ result: submission.reply({ resetForm: true }), changed: true }, { headers: { "Set-Cookie": result.setCookie } });
}

/** A refused password check's Retry-After reaches the page's response too. */
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};

export const meta: MetaFunction = (args) => pageTitle(args, "account.title");

export default function Account() {
  const { t } = useT();
  const { tokens, spaces } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const password = actionData && "result" in actionData ? actionData : undefined;
  const [form, fields] = useForm({
    lastResult: password?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: changePasswordSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    // This browser's open documents and boards see their session end before the new cookie arrives.
    onSubmit: () => notePasswordChange(),
  });
  return (
    <section className="narrow stack">
      <h1>{t("account.title")}</h1>
      <h2>{t("account.passwordHeading")}</h2>
      {password?.changed ? <Notice>{t("account.passwordChanged")}</Notice> : null}
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
      <ApiTokens tokens={tokens} spaces={spaces} result={actionData && !("result" in actionData) ? (actionData as TokenActionData) : undefined} />
    </section>
  );
}
