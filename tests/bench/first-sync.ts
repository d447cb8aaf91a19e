/**
 * One stock client's first sync (connect → synced) of a document, timed in a process of its own, as
 * a browser's would be: a client in the server's process could not integrate the document while the
 * server does. Arguments: the app's URL, the document id, a session cookie; prints the milliseconds.
 */
import { openSocket } from "../helpers/live";

const [url, documentId, cookie] = process.argv.slice(2);
const began = performance.now();
const socket = openSocket(url, documentId, cookie);
await socket.synced;
process.stdout.write(`${(performance.now() - began).toFixed(0)}\n`);
socket.destroy();
process.exit(0);
