import { z } from "zod";
import { LIMITS } from "./limits";
import { trimmed } from "./schemas";

export const API_TOKEN_SCOPES = ["read", "write"] as const;

/**
 * A new personal API token as account settings post it: a name, read or read-write, an optional
 * expiry day (after today), and all the user's spaces or chosen ones (which must be theirs: checked
 * by the action against the spaces the policy lets them open).
 */
export const createApiTokenSchema = z
  .object({
    intent: z.literal("createToken"),
    name: trimmed(LIMITS.apiTokenNameLength),
    scope: z.enum(API_TOKEN_SCOPES, { error: "required" }),
    expiresOn: z
      .string()
      .trim()
      .regex(/^\d{4}-\d{2}-\d{2}$/, { error: "dateInvalid" })
      .refine((day) => !Number.isNaN(Date.parse(`${day}T00:00:00Z`)), { error: "dateInvalid" })
      .refine((day) => day > new Date().toISOString().slice(0, 10), { error: "expiresPast" })
      .optional()
      .or(z.literal("").transform(() => undefined)),
    reach: z.enum(["all", "chosen"], { error: "required" }),
    spaceIds: z
      .array(z.uuid({ error: "spaceUnknown" }))
      .max(LIMITS.apiTokenSpaces, { error: "tooMany" })
      .default([]),
  })
  .refine((v) => v.reach === "all" || v.spaceIds.length > 0, { error: "chooseSpaces", path: ["spaceIds"] });

export const revokeApiTokenSchema = z.object({ intent: z.literal("revokeToken"), tokenId: z.uuid() });
