import { apiCard, findCard, updateCard } from "@twinning/db";
import { OPERATIONS } from "~/lib/api-operations";
import { ApiProblem, apiRoute, cardProblem } from "~/lib/api.server";

/** `GET /api/v1/spaces/{spaceId}/boards/{boardId}/cards/{cardId}` (a deleted card is gone: 404). */
export const loader = apiRoute(OPERATIONS.getCard, async ({ card }) => {
  const { card: c } = await card("card.view");
  if (c.deletedAt) throw new ApiProblem(404, "notFound");
  return apiCard(c);
});

/** `PATCH …/cards/{cardId}`: the card's fields as they should be, through the board command the card panel uses. */
export const action = apiRoute(OPERATIONS.updateCard, async ({ tx, card, body, user, t }) => {
  const { board, card: c } = await card("card.edit");
  const updated = await updateCard(tx, { ...body, board, cardId: c.id, actorId: user.id });
  if (!updated.ok) throw cardProblem(t, updated.error);
  return apiCard((await findCard(tx, board.id, c.id))!);
});
