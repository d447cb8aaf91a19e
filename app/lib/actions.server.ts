import { LIST_FIELDS, refFields, ROUTE_ACTIONS, type IntentOf, type RouteWithActions } from "@twinning/domain";
import type { z } from "zod";
import { notFound } from "~/lib/access.server";

type Schemas<R extends RouteWithActions> = (typeof ROUTE_ACTIONS)[R];
type Parsed<R extends RouteWithActions> = { [I in IntentOf<R>]: { ok: true; intent: I; data: z.output<Schemas<R>[I] & z.ZodType> } }[IntentOf<R>];
export type ActionInput<R extends RouteWithActions> = Parsed<R> | { ok: false; intent: IntentOf<R>; error: string; field: string | undefined };

/**
 * Reads a form action's body with its route's schema for the posted intent (`ROUTE_ACTIONS`). An
 * unknown intent is a 400; a malformed id in any id-bearing field is a 404 (as is a well-formed one that
 * the command then does not find in the authorised resource); any other problem comes back as an
 * error key for the form, with what the user typed kept by the caller.
 */
export function readAction<R extends RouteWithActions>(route: R, formData: FormData): ActionInput<R> {
  const schemas = ROUTE_ACTIONS[route] as Record<string, z.ZodObject>;
  const names = Object.keys(schemas);
  // A route with a single action may be posted without naming it.
  const intent = String(formData.get("intent") ?? (names.length === 1 ? names[0] : ""));
  const schema = Object.hasOwn(schemas, intent) ? schemas[intent] : undefined;
  if (!schema) throw new Response("Bad Request", { status: 400 });
  const ids = refFields(schema);
  // Lists of ids, and lists of choices (a webhook's events), are read with getAll.
  const lists = new Set<string>([...ids.filter((f) => f.list).map((f) => f.field), ...LIST_FIELDS.filter((f) => Object.hasOwn(schema.shape, f))]);
  const input: Record<string, unknown> = { intent };
  for (const field of Object.keys(schema.shape)) {
    if (field === "intent") continue;
    if (lists.has(field)) input[field] = formData.getAll(field).map(String);
    else if (formData.has(field)) input[field] = String(formData.get(field));
  }
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, intent, data: parsed.data } as ActionInput<R>;
  const refNames = new Set(ids.map((f) => f.field));
  const issues = parsed.error.issues;
  // Duplicates in a list are the user's to fix (a message); a malformed id is not found.
  if (issues.some((i) => refNames.has(String(i.path[0])) && i.message !== "duplicateIds" && i.message !== "tooMany")) notFound();
  return { ok: false, intent: intent as IntentOf<R>, error: issues[0].message, field: issues[0].path.length ? String(issues[0].path[0]) : undefined };
}
