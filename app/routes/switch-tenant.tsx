import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { setCurrentTenant } from "@twinning/db";
import { safeRedirect, switchTenantSchema } from "@twinning/domain";
import { forbidden, requireUser } from "~/lib/access.server";

/** Switches the tenant a user works in (only to one they belong to). */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const parsed = switchTenantSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success || !(await context.tx((tx) => setCurrentTenant(tx, user.id, parsed.data.tenantId)))) forbidden();
  throw redirect(safeRedirect(parsed.data.redirectTo));
}

export async function loader() {
  throw redirect("/");
}
