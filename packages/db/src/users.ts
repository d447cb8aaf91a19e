import type { Locale } from "@twinning/domain";
import type { Queryable } from "./client";

export interface UserRow {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
  locale: Locale;
  currentTenantId: string | null;
}

export async function findUserByEmail(sql: Queryable, email: string): Promise<UserRow | undefined> {
  const [row] = await sql<UserRow[]>`select * from users where email = ${email.toLowerCase()}`;
  return row;
}

export async function findUserById(sql: Queryable, id: string): Promise<UserRow | undefined> {
  const [row] = await sql<UserRow[]>`select * from users where id = ${id}`;
  return row;
}

/** Inserts a user; returns undefined when the e-mail address is taken. */
export async function insertUser(
  sql: Queryable,
  user: { id: string; email: string; name: string; passwordHash: string; locale: Locale },
): Promise<UserRow | undefined> {
  const [row] = await sql<UserRow[]>`
    insert into users ${sql({ ...user, email: user.email.toLowerCase() })}
    on conflict (email) do nothing
    returning *`;
  return row;
}

export async function setUserLocale(sql: Queryable, userId: string, locale: Locale): Promise<void> {
  await sql`update users set locale = ${locale} where id = ${userId}`;
}

export async function setPasswordHash(sql: Queryable, userId: string, passwordHash: string): Promise<void> {
  await sql`update users set password_hash = ${passwordHash}, password_changed_at = now() where id = ${userId}`;
}

/** Remembers the tenant a user works in; only a tenant they belong to is accepted. */
export async function setCurrentTenant(sql: Queryable, userId: string, tenantId: string): Promise<boolean> {
  const rows = await sql`
    update users set current_tenant_id = ${tenantId}
    where id = ${userId} and exists (select 1 from memberships where user_id = ${userId} and tenant_id = ${tenantId})`;
  return rows.count === 1;
}
