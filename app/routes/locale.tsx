import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { setUserLocale } from "@twinning/db";
import { localeSchema, safeRedirect } from "@twinning/domain";

/** The language switcher: saved on the account when signed in, else in a cookie. */
export async function action({ request, context }: ActionFunctionArgs) {
  const parsed = localeSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) throw new Response("Bad Request", { status: 400 });
  const { locale, redirectTo } = parsed.data;
  const user = context.user;
  // As the user (row-level security lets each change only their own row).
  if (user) await context.tx((tx) => setUserLocale(tx, user.id, locale));
  throw redirect(safeRedirect(redirectTo), { headers: { "Set-Cookie": await context.localeCookie.serialize(locale) } });
}

export async function loader() {
  throw redirect("/");
}
