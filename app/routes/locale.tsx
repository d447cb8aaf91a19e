import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { setUserLocale } from "@twinning/db";
import { localeSchema, safeRedirect } from "@twinning/domain";

/** The language switcher: saved on the account when signed in, else in a cookie. */
export async function action({ request, context }: ActionFunctionArgs) {
  const parsed = localeSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) throw new Response("Bad Request", { status: 400 });
  const { locale, redirectTo } = parsed.data;
  if (context.user) await setUserLocale(context.sql, context.user.id, locale);
  const cookie = `twinning_lng=${encodeURIComponent(locale)}; Path=/; Max-Age=31536000; SameSite=Lax${context.config.secureCookies ? "; Secure" : ""}`;
  throw redirect(safeRedirect(redirectTo), { headers: { "Set-Cookie": cookie } });
}

export async function loader() {
  throw redirect("/");
}
