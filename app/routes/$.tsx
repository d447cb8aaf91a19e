import { ErrorPage } from "~/components/ErrorPage";
import type { MetaFunction } from "@remix-run/node";
import { pageTitle } from "~/lib/meta";

/** Any unknown URL: a translated 404 page with the right status. */
export async function loader() {
  throw new Response("Not Found", { status: 404 });
}

export const meta: MetaFunction = (args) => pageTitle(args, "errors.notFoundTitle");

export default function NotFound() {
  return null;
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
