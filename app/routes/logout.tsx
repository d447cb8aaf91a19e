import { redirect, type ActionFunctionArgs } from "@remix-run/node";

/** Log-out is a POST (nothing changes state on GET); a GET just goes home. */
export async function action({ context }: ActionFunctionArgs) {
  const cookie = await context.auth.logOut(context.sessionId);
  throw redirect("/login?notice=loggedOut", { headers: { "Set-Cookie": cookie } });
}

export async function loader() {
  throw redirect("/");
}
