import { apiCard, cardsPage, createCard, findCard } from "@twinning/db";
import { LIMITS } from "@twinning/domain";
import { OPERATIONS } from "~/lib/api-operations";
import { apiRoute, cardProblem, keysetAnswer, pageRequest } from "~/lib/api.server";

/** `GET /api/v1/spaces/{spaceId}/boards/{boardId}/cards`: live cards, column by column, each column in its order. */
export const loader = apiRoute(OPERATIONS.listCards, async ({ tx, board, query }) => {
  const { board: b } = await board("board.view");
  return keysetAnswer(await cardsPage(tx, b.id, pageRequest(query, ["text", "text", "uuid"], LIMITS.apiPageSize)), apiCard);
});

/** `POST …/cards`: a card at the end of the given column (default the first), through the board command the board page uses. */
export const action = apiRoute(OPERATIONS.createCard, async ({ tx, board, body, user, t }) => {
  const { board: b } = await board("board.edit");
  const created = await createCard(tx, { ...body, board: b, actorId: user.id });
  if (!created.ok) throw cardProblem(t, created.error);
  return apiCard((await findCard(tx, b.id, created.card.id))!);
});
