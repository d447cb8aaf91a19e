import type { AppLoadContext } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import type { SessionUser } from "@twinning/auth";
import { findTenantBySlug, roleInTenant, type Tenant } from "@twinning/db";
import type { TenantRole } from "@twinning/domain";

/** First line of every protected loader and action: the signed-in user, or a redirect to log in. */
export function requireUser(context: AppLoadContext, request: Request): SessionUser {
  if (context.user) return context.user;
  const url = new URL(request.url);
  throw redirect(`/login?${new URLSearchParams({ redirectTo: url.pathname + url.search })}`);
}

/** A thrown 404 Response that the route's ErrorBoundary shows as the translated not-found page. */
export function notFound(): never {
  throw new Response("Not Found", { status: 404 });
}

export function forbidden(): never {
  throw new Response("Forbidden", { status: 403 });
}

/**
 * The tenant named in the URL and the user's role in it. Non-members get 404, so a tenant's existence
 * is not revealed to outsiders.
 */
export async function requireTenantMember(
  context: AppLoadContext,
  user: SessionUser,
  slug: string | undefined,
): Promise<{ tenant: Tenant; role: TenantRole }> {
  const tenant = slug ? await findTenantBySlug(context.sql, slug) : undefined;
  const role = tenant ? await roleInTenant(context.sql, tenant.id, user.id) : null;
  if (!tenant || !role) notFound();
  return { tenant, role };
}
