import { columnsOf } from "@twinning/db";
import { OPERATIONS } from "~/lib/api-operations";
import { apiRoute } from "~/lib/api.server";

/** `GET /api/v1/spaces/{spaceId}/boards/{boardId}`: the board and its columns in order. */
export const loader = apiRoute(OPERATIONS.getBoard, async ({ tx, board }) => {
  const { board: b } = await board("board.view");
  const columns = await columnsOf(tx, b.id);
  return {
    id: b.id,
    spaceId: b.spaceId,
    title: b.title,
    areas: b.areas,
    createdAt: b.createdAt,
    columns: columns.map((c) => ({ id: c.id, title: c.title, kind: c.kind })),
  };
});
