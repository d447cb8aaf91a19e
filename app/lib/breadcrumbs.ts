/**
 * Breadcrumbs: a route's `handle.crumbs(data)` returns the trail of the pages above it (never the page
 * itself, whose heading is right below), built from its own loader data. The shell shows the trail of
 * the deepest route that has one. A crumb's label is text from the data or a translation key.
 */
export type Crumb = { to: string } & ({ label: string } | { key: string });

export interface CrumbsHandle<Data> {
  crumbs: (data: Data) => Crumb[];
}

type Space = { id: string; title: string };
type Doc = { id: string; title: string };

export const spaceCrumbs = (space: Space): Crumb[] => [{ to: `/s/${space.id}`, label: space.title }];

export const documentCrumbs = (space: Space, doc: Doc): Crumb[] => [...spaceCrumbs(space), { to: `/s/${space.id}/docs/${doc.id}`, label: doc.title }];

export const boardCrumbs = (space: Space, board: { id: string; title: string }): Crumb[] => [
  ...spaceCrumbs(space),
  { to: `/s/${space.id}/boards/${board.id}`, label: board.title },
];

export const tenantCrumbs = (tenant: { slug: string; name: string }): Crumb[] => [{ to: `/t/${tenant.slug}`, label: tenant.name }];
