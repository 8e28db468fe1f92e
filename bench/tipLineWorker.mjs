// A worker thread that sends deliveries (bench/tipLineSend.ts) and posts back what it measured: the sender runs
// beside the server, on the other core, rather than on the server's event loop. Plain JavaScript, since Node 20
// does not hand a worker's entry file to the loader the bench runs under; it loads the TypeScript through tsx.
import { parentPort, workerData } from "node:worker_threads"
import { register } from "tsx/esm/api"

register()
const { send } = await import("./tipLineSend.ts")
send(workerData).then(
  (result) => parentPort.postMessage({ ok: true, result }),
  (error) => parentPort.postMessage({ ok: false, error: String(error) })
)
