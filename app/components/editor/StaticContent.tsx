/** The document as HTML rendered on the server with the shared schema (no live editing). */
export function StaticContent({ html, language }: { html: string; language: string }) {
  return <div className="document-body static" lang={language} dangerouslySetInnerHTML={{ __html: html }} />;
}
