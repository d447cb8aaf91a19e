import type { AnyExtension, NodeViewRenderer } from "@tiptap/core";
import { TaskItem, TaskList } from "@tiptap/extension-list";
import { TableKit } from "@tiptap/extension-table";
import { StarterKit } from "@tiptap/starter-kit";
import { BlockIds } from "./block-ids";
import { CardLink } from "./card-link";
import { CommentMark } from "./comments";

/**
 * The document schema's extensions, the same in the browser (with collaboration added) and on the
 * server (derived data, templates, exports). Undo/redo is off: the Yjs undo manager does it, so each
 * user undoes only their own changes.
 */
export function schemaExtensions(options: { cardView?: NodeViewRenderer } = {}): AnyExtension[] {
  return [
    CardLink.configure({ nodeView: options.cardView ?? null }),
    StarterKit.configure({ undoRedo: false, link: { openOnClick: false, autolink: true } }),
    TaskList,
    TaskItem.configure({ nested: true }),
    TableKit.configure({ table: { resizable: false } }),
    // Unknown marks lose their text in y-prosemirror: every schema the server builds has this one.
    CommentMark,
    BlockIds,
  ];
}
