import { data, type AppLoadContext } from "@remix-run/node";
import { newApiToken, type SessionUser } from "@twinning/auth";
import { loadActor, spacesForActor } from "@twinning/db";
import { createApiToken, listApiTokens, revokeApiToken } from "@twinning/db/api-tokens";
import { createApiTokenSchema, LIMITS, revokeApiTokenSchema } from "@twinning/domain";
import { notFound } from "~/lib/access.server";

/** What the account page shows of API tokens: the user's tokens and the spaces a new one may be limited to. */
export async function apiTokensOfUser(context: AppLoadContext, user: SessionUser) {
  return context.tx(async (tx) => {
    const [tokens, spaces] = await Promise.all([listApiTokens(tx, user.id), spacesForActor(tx, await loadActor(tx, user.id))]);
    return {
      tokens: tokens.map((tk) => ({
        ...tk,
        expiresAt: tk.expiresAt?.toISOString() ?? null,
        lastUsedAt: tk.lastUsedAt?.toISOString() ?? null,
        createdAt: tk.createdAt.toISOString(),
      })),
      spaces: spaces.map((s) => ({ id: s.id, title: s.title })),
    };
  });
}

/** The form as typed, to show again with its errors. */
export interface TypedToken {
  name: string;
  scope: string;
  expiresOn: string;
  reach: string;
  spaceIds: string[];
}

/**
 * Creating or revoking a token (account settings). The secret is in this one answer only; the
 * database keeps its SHA-256. A revoked token is deleted, so its next request is a 401.
 */
export async function apiTokenAction(context: AppLoadContext, user: SessionUser, formData: FormData) {
  if (formData.get("intent") === "revokeToken") {
    const parsed = revokeApiTokenSchema.safeParse(Object.fromEntries(formData));
    if (!parsed.success) notFound();
    const name = await context.tx(async (tx) => {
      const token = (await listApiTokens(tx, user.id)).find((tk) => tk.id === parsed.data.tokenId);
      if (!token || !(await revokeApiToken(tx, { userId: user.id, tokenId: token.id }))) notFound();
      return token.name;
    });
    context.log.info({ userId: user.id, tokenId: parsed.data.tokenId }, "API token revoked");
    return data({ tokenRevoked: name });
  }
  const typed: TypedToken = {
    name: String(formData.get("name") ?? ""),
    scope: String(formData.get("scope") ?? ""),
    expiresOn: String(formData.get("expiresOn") ?? ""),
    reach: String(formData.get("reach") ?? ""),
    spaceIds: formData.getAll("spaceIds").map(String),
  };
  const refuse = (errors: Record<string, string>) => data({ tokenErrors: errors, typed }, { status: 400 });
  const parsed = createApiTokenSchema.safeParse({ intent: "createToken", ...typed });
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? "form")] ??= issue.message;
    return refuse(errors);
  }
  const input = parsed.data;
  return context.tx(async (tx) => {
    const [tokens, spaces] = await Promise.all([listApiTokens(tx, user.id), spacesForActor(tx, await loadActor(tx, user.id))]);
    if (tokens.length >= LIMITS.apiTokensPerUser) return refuse({ form: "tooManyTokens" });
    const own = new Set(spaces.map((s) => s.id));
    const spaceIds = input.reach === "all" ? null : [...new Set(input.spaceIds)];
    if (spaceIds?.some((id) => !own.has(id))) return refuse({ spaceIds: "spaceUnknown" });
    const token = newApiToken();
    // The token ends at the start of its expiry day (UTC): "expires on" the day chosen.
    const expiresAt = input.expiresOn ? new Date(`${input.expiresOn}T00:00:00Z`) : null;
    const { id } = await createApiToken(tx, {
      userId: user.id,
      name: input.name,
      tokenHash: token.hash,
      prefix: token.prefix,
      scope: input.scope,
      spaceIds,
      expiresAt,
    });
    context.log.info({ userId: user.id, tokenId: id, scope: input.scope }, "API token created");
    return data({ tokenCreated: { name: input.name, secret: token.secret } });
  });
}
