import { Agent, get } from "node:http";
import * as Y from "yjs";
import { figures, stockClient, waitUntil } from "./probe";

/**
 * The well-behaved client of `probe.ts`'s `wellBehavedClient`, in its own process (IPC: setup →
 * ready, start → started, stop → stopped with figures). Two tabs of one user on one document from
 * `localAddress`: the writer types `perSecond` characters a second into a paragraph of its own, the
 * reader times each one's arrival; `/healthz` is asked back to back over a keep-alive connection.
 */
interface Setup {
  baseUrl: string;
  documentId: string;
  cookie: string;
  localAddress: string;
  perSecond: number;
}

const send = (message: object) => process.send!(message);

type Message = { type: string; minKeystrokes?: number } & Partial<Setup>;

process.on("message", (message: Message) => {
  void handle(message).catch((error: unknown) => send({ type: "error", error: String(error instanceof Error ? error.stack : error) }));
});

let client: Awaited<ReturnType<typeof setUp>> | undefined;

async function handle(message: Message): Promise<void> {
  if (message.type === "setup") {
    client = await setUp(message as Setup);
    send({ type: "ready" });
  } else if (message.type === "start") {
    client!.start();
    send({ type: "started" });
  } else if (message.type === "stop") {
    send({ type: "stopped", ...(await client!.stop(message.minKeystrokes ?? 0)) });
  }
}

async function setUp({ baseUrl, documentId, cookie, localAddress, perSecond }: Setup) {
  const writer = stockClient(baseUrl, documentId, cookie, localAddress);
  const reader = stockClient(baseUrl, documentId, cookie, localAddress);
  await Promise.all([writer.synced(), reader.synced()]);
  const marker = `probe-${Math.random().toString(36).slice(2)}:`;
  const paragraph = new Y.XmlElement("paragraph");
  const text = new Y.XmlText();
  paragraph.insert(0, [text]);
  text.insert(0, marker);
  const fragment = writer.doc.getXmlFragment("default");
  fragment.insert(fragment.length, [paragraph]);
  const typed = () => text.length - marker.length;

  const typedAt: number[] = [];
  const latencies: number[] = [];
  let seen = 0;
  let remote: Y.XmlText | undefined;
  reader.doc.on("update", () => {
    remote ??= reader.doc
      .getXmlFragment("default")
      .toArray()
      .flatMap((node) => (node instanceof Y.XmlElement ? node.toArray() : []))
      .find((node): node is Y.XmlText => node instanceof Y.XmlText && node.toString().startsWith(marker));
    if (!remote) return;
    const now = performance.now();
    for (const arrived = remote.length - marker.length; seen < arrived; seen++) if (typedAt[seen] !== undefined) latencies.push(now - typedAt[seen]);
  });
  await waitUntil(() => remote !== undefined, 10_000, "the probe's paragraph at the reader");

  let running = false;
  let typing: NodeJS.Timeout | undefined;
  let probing: Promise<void> = Promise.resolve();
  let agent: Agent | undefined;
  let from = 0;
  const healthz: number[] = [];
  const errors: string[] = [];
  const probeOnce = (via: Agent) =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      get(`${baseUrl}/healthz`, { agent: via }, (res) => {
        res.resume();
        res.on("end", () => {
          if (res.statusCode === 200) healthz.push(performance.now() - t0);
          else errors.push(`/healthz ${res.statusCode}`);
          resolve();
        });
      }).on("error", (error) => {
        errors.push(`/healthz ${error.message}`);
        resolve();
      });
    });

  return {
    start() {
      running = true;
      from = latencies.length;
      healthz.length = 0;
      errors.length = 0;
      const via = (agent = new Agent({ keepAlive: true, maxSockets: 1, localAddress }));
      typing = setInterval(() => {
        typedAt[typed()] = performance.now();
        text.insert(text.length, String.fromCharCode(97 + (text.length % 26)));
      }, 1000 / perSecond);
      probing = (async () => {
        while (running) {
          await probeOnce(via);
          await new Promise((r) => setTimeout(r, 10));
        }
      })();
    },
    async stop(minKeystrokes: number) {
      await waitUntil(() => latencies.length - from >= minKeystrokes, 15_000, `${minKeystrokes} keystrokes measured`);
      running = false;
      clearInterval(typing);
      await probing;
      agent?.destroy();
      // Keystrokes still on their way count too.
      await waitUntil(() => seen >= typed(), 15_000, "the last keystrokes at the reader");
      return { keystroke: figures(latencies.slice(from)), healthz: figures(healthz), errors: [...errors] };
    },
  };
}
