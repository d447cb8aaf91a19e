import { ErrorPage } from "~/components/ErrorPage";

/** Any unknown URL: a translated 404 page with the right status. */
export async function loader() {
  throw new Response("Not Found", { status: 404 });
}

export default function NotFound() {
  return null;
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
