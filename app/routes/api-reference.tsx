import type { MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { TableScroller } from "~/components/TableScroller";
import { openApiDocument } from "~/lib/api-spec";
import { useT } from "~/lib/i18n";
import { pageTitle } from "~/lib/meta";

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: { type?: string; format?: string; enum?: unknown[] };
}
interface OperationObject {
  operationId: string;
  summary: string;
  tags: string[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
  responses: Record<string, { description: string }>;
}

/** `/api-reference`: the API's operations as the OpenAPI document describes them (rendered here: no CDN, nothing fetched). */
export function loader() {
  const doc = openApiDocument() as {
    paths: Record<string, Record<string, OperationObject>>;
    webhooks: Record<string, Record<string, Omit<OperationObject, "operationId">>>;
  };
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), ...op }))
  );
  // Webhooks are sent to the receiver's URL, named by their event.
  const webhooks = Object.entries(doc.webhooks).flatMap(([event, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ ...op, path: event, method: method.toUpperCase(), operationId: `webhook-${event}`, requestBody: undefined }))
  );
  return { operations: [...operations, ...webhooks] };
}

export const meta: MetaFunction = (args) => pageTitle(args, "apiReference.title");

const typeOf = (p: Parameter) => (p.schema?.enum ? p.schema.enum.join(" | ") : [p.schema?.type, p.schema?.format].filter(Boolean).join(", "));
const schemaName = (ref?: string) => ref?.split("/").pop() ?? "";

export default function ApiReference() {
  const { operations } = useLoaderData<typeof loader>();
  const { t } = useT();
  const tags = [...new Set(operations.map((o) => o.tags[0]))];
  return (
    <section className="stack">
      <h1>{t("apiReference.title")}</h1>
      <p>{t("apiReference.intro")}</p>
      <p>
        <a href="/api/v1/openapi.json">{t("apiReference.document")}</a>
      </p>
      <nav aria-label={t("apiReference.operations")}>
        <ul>
          {operations.map((o) => (
            <li key={o.operationId}>
              <a href={`#${o.operationId}`}>
                <code>{o.method}</code> <code>{o.path}</code>
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {tags.map((tag) => (
        <section key={tag} className="stack" aria-labelledby={`tag-${tag}`}>
          <h2 id={`tag-${tag}`}>{tag}</h2>
          {operations
            .filter((o) => o.tags[0] === tag)
            .map((o) => (
              <article key={o.operationId} id={o.operationId} className="card stack" aria-labelledby={`${o.operationId}-title`}>
                <h3 id={`${o.operationId}-title`}>
                  <code>{o.method}</code> <code>{o.path}</code>
                </h3>
                <p>{o.summary}</p>
                {o.parameters?.length ? (
                  <TableScroller label={`${t("apiReference.parameters")}: ${o.operationId}`}>
                    <table>
                      <caption>{t("apiReference.parameters")}</caption>
                      <thead>
                        <tr>
                          <th scope="col">{t("apiReference.colName")}</th>
                          <th scope="col">{t("apiReference.colIn")}</th>
                          <th scope="col">{t("apiReference.colType")}</th>
                          <th scope="col">{t("apiReference.colRequired")}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {o.parameters.map((p) => (
                          <tr key={`${p.in}-${p.name}`}>
                            <th scope="row">
                              <code>{p.name}</code>
                            </th>
                            <td>{p.in}</td>
                            <td>{typeOf(p)}</td>
                            <td>{p.required ? t("apiReference.yes") : t("apiReference.no")}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </TableScroller>
                ) : null}
                {o.requestBody ? <p>{t("apiReference.body", { schema: schemaName(o.requestBody.content["application/json"]?.schema.$ref) })}</p> : null}
                <h4>{t("apiReference.responses")}</h4>
                <ul>
                  {Object.entries(o.responses).map(([status, r]) => (
                    <li key={status}>
                      <code>{status}</code> {r.description}
                    </li>
                  ))}
                </ul>
              </article>
            ))}
        </section>
      ))}
    </section>
  );
}
