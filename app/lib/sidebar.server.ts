import { listBoards, listDocuments, spacesForActor, type Queryable } from "@twinning/db";
import type { Actor, DocumentStatus, DocumentType, Locale, SpaceIcon } from "@twinning/domain";
import { groupTranslations } from "~/lib/document-groups";

export interface SidebarSpace {
  id: string;
  title: string;
  icon: SpaceIcon;
  color: string;
  archived: boolean;
}

export interface SidebarData {
  spaces: SidebarSpace[];
  /** The space the page is in (from the URL), if the user may open it: its documents and boards. */
  current: {
    spaceId: string;
    /** A translation comes right after its source, with `translationOf` set (see groupTranslations). */
    documents: { id: string; title: string; type: DocumentType; status: DocumentStatus; language: Locale; translationOf: string | null }[];
    boards: { id: string; title: string }[];
  } | null;
}

/**
 * What the app shell's sidebar lists: the spaces the policy lets the actor open (`spacesForActor`
 * asks `spaceAccess`), and inside the space in the URL — only when it is one of those — its current
 * documents and its boards. A space id the user may not open (or a malformed one) simply expands nothing.
 */
export async function loadSidebar(tx: Queryable, actor: Actor, spaceId: string | undefined): Promise<SidebarData> {
  const spaces = await spacesForActor(tx, actor);
  const open = spaces.find((s) => s.id === spaceId);
  const [documents, boards] = open ? await Promise.all([listDocuments(tx, open.id), listBoards(tx, open.id)]) : [[], []];
  return {
    spaces: spaces
      .filter((s) => s.archivedAt === null || s.id === open?.id)
      .map((s) => ({ id: s.id, title: s.title, icon: s.icon, color: s.color, archived: s.archivedAt !== null })),
    current: open
      ? {
          spaceId: open.id,
          documents: groupTranslations(documents).map((d) => ({ id: d.id, title: d.title, type: d.type, status: d.status, language: d.language, translationOf: d.under?.id ?? null })),
          boards: boards.map((b) => ({ id: b.id, title: b.title })),
        }
      : null,
  };
}
