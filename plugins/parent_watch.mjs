// Ends this process soon after the build that started it dies, however it dies and however
// busy this process's own thread is (a long synchronous render never reads stdin's close):
// a worker thread compares the parent's pid with the build's, BUILD_PID (set by
// plugins/child_process.py), a few times a second. A dead parent's children are handed to
// another process, so the pid changes. The worker does not keep the process alive.
import { Worker } from "node:worker_threads";

const POLL_MS = 100;

export function exitWithParent() {
  const build = Number(process.env.BUILD_PID) || process.ppid;
  const worker = new Worker(
    `const { workerData: [build, ms] } = require("node:worker_threads");
     const check = () => { if (process.ppid !== build) process.kill(process.pid, "SIGKILL"); };
     check();
     setInterval(check, ms);`,
    { eval: true, workerData: [build, POLL_MS] },
  );
  worker.unref();
}
