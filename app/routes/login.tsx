import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useSearchParams } from "@remix-run/react";
import { LIMITS, logInSchema, safeRedirect } from "@twinning/domain";
import { FormMessage, Notice, TextField } from "~/components/Field";
import { throttledMessage } from "~/lib/forms";
import { useT } from "~/lib/i18n";
import type { MetaFunction } from "@remix-run/node";
import { pageTitle } from "~/lib/meta";

export async function loader({ context, request }: LoaderFunctionArgs) {
  if (context.user) throw redirect(safeRedirect(new URL(request.url).searchParams.get("redirectTo")));
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = parseWithZod(await request.formData(), { schema: logInSchema });
  if (submission.status !== "success") return data(submission.reply(), { status: 400 });
  const result = await context.auth.logIn({ ...submission.value, address: context.address });
  if (!result.ok) {
    if (result.error === "throttled") {
      context.log.warn({ email: submission.value.email }, "log-in throttled");
      return data(submission.reply({ formErrors: [throttledMessage(result.retryAfterSeconds)] }), {
        status: 429,
        headers: { "Retry-After": String(result.retryAfterSeconds) },
      });
    }
    return data(submission.reply({ formErrors: ["invalidCredentials"] }), { status: 400 });
  }
  throw redirect(safeRedirect(submission.value.redirectTo), { headers: { "Set-Cookie": result.setCookie } });
}

/** A refused log-in's Retry-After reaches the page's response too (not only the action's data). */
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};

export const meta: MetaFunction = (args) => pageTitle(args, "auth.logInTitle");

export default function LogIn() {
  const { t } = useT();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: logInSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const notice = params.get("notice");
  return (
    <section className="narrow">
      <h1>{t("auth.logInTitle")}</h1>
      {notice === "loggedOut" ? <Notice>{t("auth.loggedOut")}</Notice> : null}
      <Form method="post" {...getFormProps(form)} className="card">
        <FormMessage id={form.errorId} errors={form.errors} />
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? "/"} />
        <TextField field={fields.email} label={t("auth.email")} type="email" autoComplete="username" maxLength={LIMITS.emailLength} />
        <TextField field={fields.password} label={t("auth.password")} type="password" autoComplete="current-password" maxLength={LIMITS.passwordMax} />
        <button type="submit">{t("auth.logInButton")}</button>
      </Form>
      <p>
        {t("auth.noAccount")} <Link to={`/signup?${params}`}>{t("nav.signUp")}</Link>
      </p>
    </section>
  );
}
