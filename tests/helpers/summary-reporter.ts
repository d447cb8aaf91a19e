import type { File, Task } from "vitest";
import type { Reporter } from "vitest/reporters";

/** Prints one closing line, "tests: N passed, N failed, N skipped", that CI reads. */
export default class SummaryReporter implements Reporter {
  onFinished(files: File[] = []) {
    const counts = { pass: 0, fail: 0, skip: 0 };
    const visit = (task: Task) => {
      if (task.type === "suite") return task.tasks.forEach(visit);
      const state = task.result?.state;
      if (state === "pass") counts.pass++;
      else if (state === "fail") counts.fail++;
      else counts.skip++;
    };
    files.forEach((f) => {
      f.tasks.forEach(visit);
      if (f.result?.state === "fail" && f.tasks.length === 0) counts.fail++;
    });
    console.log(`\ntests: ${counts.pass} passed, ${counts.fail} failed, ${counts.skip} skipped`);
  }
}
