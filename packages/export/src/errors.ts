/** Too many exports are waiting for a worker: try again shortly (the route answers 503). */
export class ExportBusyError extends Error {
  constructor() {
    super("export: too many exports waiting");
  }
}
