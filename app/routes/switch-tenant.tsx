import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { setCurrentTenant } from "@twinning/db";
import { safeRedirect } from "@twinning/domain";
import { notFound, requireUser } from "~/lib/access.server";
import { readAction } from "~/lib/actions.server";

/** Switches the tenant a user works in (only to one they belong to). */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const input = readAction("routes/switch-tenant", await request.formData());
  if (!input.ok || !(await context.tx((tx) => setCurrentTenant(tx, user.id, input.data.tenantId)))) notFound();
  throw redirect(safeRedirect(input.data.redirectTo));
}

export async function loader() {
  throw redirect("/");
}
