import type { Queryable } from "./client";

/** What a token may do: `read` (GET only), or `write` (also create, change and comment). */
export type ApiTokenScope = "read" | "write";

/** A token as its owner sees it in account settings (never its secret). */
export interface ApiTokenListing {
  id: string;
  name: string;
  prefix: string;
  scope: ApiTokenScope;
  /** The spaces it may reach; null: every space its user may open. */
  spaceIds: string[] | null;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
}

/** A valid token found by its hash: the token and the facts of its user a request needs. */
export interface ApiTokenOwner {
  token: Pick<ApiTokenListing, "id" | "scope" | "spaceIds">;
  user: { id: string; email: string; name: string; locale: string; currentTenantId: string | null };
}

/** The signed-in user's tokens, newest first (row-level security: their own only). */
export async function listApiTokens(sql: Queryable, userId: string): Promise<ApiTokenListing[]> {
  return sql<ApiTokenListing[]>`
    select id, name, prefix, scope, space_ids, expires_at, last_used_at, created_at
    from api_tokens where user_id = ${userId} order by created_at desc`;
}

export async function createApiToken(
  tx: Queryable,
  input: { userId: string; name: string; tokenHash: string; prefix: string; scope: ApiTokenScope; spaceIds: string[] | null; expiresAt: Date | null }
): Promise<{ id: string }> {
  const [row] = await tx<{ id: string }[]>`
    insert into api_tokens (user_id, name, token_hash, prefix, scope, space_ids, expires_at)
    values (${input.userId}, ${input.name}, ${input.tokenHash}, ${input.prefix}, ${input.scope}, ${input.spaceIds}::uuid[], ${input.expiresAt})
    returning id`;
  return row;
}

/** Revokes one of the user's tokens: gone, so its next request is refused. False when it is not theirs. */
export async function revokeApiToken(tx: Queryable, input: { userId: string; tokenId: string }): Promise<boolean> {
  const rows = await tx`delete from api_tokens where id = ${input.tokenId} and user_id = ${input.userId} returning id`;
  return rows.length > 0;
}

/**
 * The token with this hash and its user, when it has not expired, noting that it was used (at most
 * once a minute, so a busy integration does not write on every request). System path: no user is
 * known before the token is.
 */
export async function useApiToken(system: Queryable, tokenHash: string): Promise<ApiTokenOwner | undefined> {
  const [row] = await system<
    {
      id: string;
      scope: ApiTokenScope;
      spaceIds: string[] | null;
      userId: string;
      email: string;
      name: string;
      locale: string;
      currentTenantId: string | null;
    }[]
  >`
    with found as (
      select t.id, t.scope, t.space_ids, u.id as user_id, u.email, u.name, u.locale, u.current_tenant_id
      from api_tokens t join users u on u.id = t.user_id
      where t.token_hash = ${tokenHash} and (t.expires_at is null or t.expires_at > now())
    ), touched as (
      update api_tokens set last_used_at = now()
      where id = (select id from found) and (last_used_at is null or last_used_at < now() - interval '1 minute')
    )
    select * from found`;
  if (!row) return undefined;
  return {
    token: { id: row.id, scope: row.scope, spaceIds: row.spaceIds },
    user: { id: row.userId, email: row.email, name: row.name, locale: row.locale, currentTenantId: row.currentTenantId },
  };
}
