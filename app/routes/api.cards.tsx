import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { cardSummaries, createCard, findCardIds, loadActor, loadSpaceFacts } from "@twinning/db";
import { can, cardSchema, LIMITS, isUuid } from "@twinning/domain";
import { authorizeBoard, authorizeSpace, requireUser } from "~/lib/access.server";
import { readAction } from "~/lib/actions.server";

/**
 * Cards for the editor: `?ids=a,b` — what the card nodes of an open document show (live status);
 * `?space=<id>&q=text` — cards of a space to link. Every card passes the policy through its space.
 */
export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const url = new URL(request.url);
  return context.tx(async (tx) => {
    const spaceId = url.searchParams.get("space");
    if (spaceId) {
      const { space } = await authorizeSpace(tx, user, spaceId, "space.view");
      const q = (url.searchParams.get("q") ?? "").slice(0, LIMITS.searchLength);
      return Response.json({ cards: await cardSummaries(tx, await findCardIds(tx, space.id, q)) });
    }
    const ids = (url.searchParams.get("ids") ?? "").split(",").filter((id) => isUuid(id)).slice(0, 200);
    const summaries = await cardSummaries(tx, ids);
    // Row-level security keeps other tenants' spaces out; the policy also applies chosen members.
    const actor = await loadActor(tx, user.id);
    const allowed = new Map<string, boolean>();
    for (const s of new Set(summaries.map((c) => c.spaceId))) {
      const facts = await loadSpaceFacts(tx, s);
      allowed.set(s, Boolean(facts && can(actor, "space.view", { type: "space", space: facts })));
    }
    // A Response, not a bare object: this route is fetched from outside Remix's data layer too.
    return Response.json({ cards: summaries.filter((c) => allowed.get(c.spaceId)) });
  });
}

/** "Create card from selection": a card titled with the selected text, first column of the chosen board. */
export async function action({ context, request }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const input = readAction("routes/api.cards", await request.formData());
  if (!input.ok) return data({ error: input.error }, { status: 400 });
  return context.tx(async (tx) => {
    const { board } = await authorizeBoard(tx, user, input.data.spaceId, input.data.boardId, "board.edit");
    const parsed = cardSchema.safeParse({ title: input.data.title.replace(/\s+/g, " ").slice(0, LIMITS.cardTitleLength) });
    if (!parsed.success) return data({ error: parsed.error.issues[0].message }, { status: 400 });
    const created = await createCard(tx, { ...parsed.data, board, actorId: user.id });
    if (!created.ok) return data({ error: created.error }, { status: 409 });
    context.log.info({ cardId: created.card.id, boardId: board.id }, "card created from a document selection");
    return { id: created.card.id };
  });
}
