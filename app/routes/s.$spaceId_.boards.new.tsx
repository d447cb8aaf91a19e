import type { SerializeFrom } from "@remix-run/node";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { createBoard } from "@twinning/db";
import { createBoardSchema, LIMITS } from "@twinning/domain";
import { createI18n } from "@twinning/i18n";
import { ErrorList } from "~/components/Field";
import { ErrorPage } from "~/components/ErrorPage";
import { authorizeSpace, requireUser } from "~/lib/access.server";
import { spaceCrumbs, type CrumbsHandle } from "~/lib/breadcrumbs";
import { useT } from "~/lib/i18n";
import type { MetaFunction } from "@remix-run/node";
import { pageTitle } from "~/lib/meta";

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const { space } = await context.tx((tx) => authorizeSpace(tx, user, params.spaceId, "space.edit"));
  return { space: { id: space.id, title: space.title } };
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const formData = await request.formData();
  return context.tx(async (tx) => {
    const { space } = await authorizeSpace(tx, user, params.spaceId, "space.edit");
    const parsed = createBoardSchema.safeParse(Object.fromEntries(formData));
    if (!parsed.success) return data({ error: parsed.error.issues[0].message, title: String(formData.get("title") ?? "") }, { status: 400 });
    // The default columns are named in the creator's language.
    const { t } = createI18n(context.locale);
    const board = await createBoard(tx, {
      spaceId: space.id,
      title: parsed.data.title,
      columns: [t("board.defaultColumns.todo"), t("board.defaultColumns.doing"), t("board.defaultColumns.done")],
      actorId: user.id,
    });
    throw redirect(`/s/${space.id}/boards/${board.id}`);
  });
}

export const meta: MetaFunction = (args) => pageTitle(args, "board.newTitle");

export const handle: CrumbsHandle<SerializeFrom<typeof loader>> = { crumbs: ({ space }) => spaceCrumbs(space) };

export default function NewBoard() {
  const { space } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useT();
  return (
    <section className="narrow stack">
      <h1>{t("board.newTitle")}</h1>
      <Form method="post" className="card">
        <input type="hidden" name="intent" value="createBoard" />
        <div className="field">
          <label htmlFor="board-title">{t("board.title")}</label>
          <input
            id="board-title"
            name="title"
            defaultValue={actionData?.title}
            maxLength={LIMITS.boardTitleLength}
            aria-invalid={actionData?.error ? true : undefined}
            aria-describedby={actionData?.error ? "board-title-error" : undefined}
          />
          {actionData?.error ? <ErrorList id="board-title-error" errors={[actionData.error]} /> : null}
        </div>
        <button type="submit">{t("board.create")}</button>
      </Form>
    </section>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
