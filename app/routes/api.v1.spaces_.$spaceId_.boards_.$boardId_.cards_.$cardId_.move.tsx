import { apiCard, findCard, moveCard } from "@twinning/db";
import { OPERATIONS } from "~/lib/api-operations";
import { apiRoute, cardProblem } from "~/lib/api.server";

/** `POST …/cards/{cardId}/move`: into a column of this board, after a card of it (or first); serialised per board as drags are. */
export const action = apiRoute(OPERATIONS.moveCard, async ({ tx, card, body, user, t }) => {
  const { board, card: c } = await card("card.edit");
  const moved = await moveCard(tx, { board, cardId: c.id, columnId: body.columnId, afterId: body.afterId, actorId: user.id });
  if (!moved.ok) throw cardProblem(t, moved.error);
  return apiCard((await findCard(tx, board.id, c.id))!);
});
