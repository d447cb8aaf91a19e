import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useSearchParams } from "@remix-run/react";
import { LIMITS, safeRedirect, signUpSchema } from "@twinning/domain";
import { FormMessage, TextField } from "~/components/Field";
import { useT } from "~/lib/i18n";

export async function loader({ context, request }: LoaderFunctionArgs) {
  if (context.user) throw redirect(safeRedirect(new URL(request.url).searchParams.get("redirectTo")));
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = parseWithZod(await request.formData(), { schema: signUpSchema });
  if (submission.status !== "success") return data(submission.reply(), { status: 400 });
  const result = await context.auth.signUp({ ...submission.value, locale: context.locale });
  if (!result.ok) {
    const field = result.error === "emailTaken" ? "email" : "password";
    return data(submission.reply({ fieldErrors: { [field]: [result.error] } }), { status: 400 });
  }
  context.log.info({ userId: result.userId }, "signed up");
  throw redirect(safeRedirect(submission.value.redirectTo), { headers: { "Set-Cookie": result.setCookie } });
}

export const meta: MetaFunction = () => [{ title: "Twinning" }];

export default function SignUp() {
  const { t } = useT();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: signUpSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    defaultValue: { email: params.get("email") ?? "" },
  });
  return (
    <section className="narrow">
      <h1>{t("auth.signUpTitle")}</h1>
      <Form method="post" {...getFormProps(form)} className="card">
        <FormMessage id={form.errorId} errors={form.errors} />
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? "/"} />
        <TextField field={fields.name} label={t("auth.name")} autoComplete="name" maxLength={LIMITS.nameLength} />
        <TextField field={fields.email} label={t("auth.email")} type="email" autoComplete="email" maxLength={LIMITS.emailLength} />
        <TextField
          field={fields.password}
          label={t("auth.password")}
          type="password"
          autoComplete="new-password"
          maxLength={LIMITS.passwordMax}
          hint={t("auth.passwordHint", { min: LIMITS.passwordMin })}
        />
        <button type="submit">{t("auth.signUpButton")}</button>
      </Form>
      <p>
        {t("auth.haveAccount")} <Link to={`/login?${params}`}>{t("nav.logIn")}</Link>
      </p>
    </section>
  );
}
