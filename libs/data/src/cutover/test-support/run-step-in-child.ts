import { fork } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CutoverFixture } from './cutover-fixture.js';

/** The steps a child can run: the cutover's, and the reshard's (both finishes with --force). */
export type ChildCommand =
  | 'copy'
  | 'switch-writes'
  | 'rollback'
  | 'resync'
  | 'finish'
  | 'reshard copy'
  | 'reshard switch-writes'
  | 'reshard rollback'
  | 'reshard finish';

export interface ChildRun {
  /** Steps the child began, in order. */
  steps: string[];
  /** `killed`: by this test, at the step asked for; `crashed`: it ended on its own without a result. */
  outcome: 'done' | 'failed' | 'killed' | 'crashed';
  failure?: string;
}

/**
 * Runs `command` in a child process. With `killAt`, the child pauses as that step begins and
 * is killed with SIGKILL there, as an operator's crashed or killed CLI would be. `finish` runs
 * with `--force` (a test cannot wait for the retention).
 */
export async function runStepInChild(
  fixture: Pick<CutoverFixture, 'service' | 'childInput'>,
  command: ChildCommand,
  options: { killAt?: string } = {},
): Promise<ChildRun> {
  const dir = await mkdtemp(join(tmpdir(), 'neo-cutover-child-'));
  const inputFile = join(dir, 'input.json');
  // Holds the admin password: readable by this user only, removed below.
  await writeFile(inputFile, JSON.stringify({ command, service: fixture.service, pauseAt: options.killAt, fixture: fixture.childInput }), {
    mode: 0o600,
  });
  const script = fileURLToPath(new URL('./run-step.child.ts', import.meta.url));
  // The workspace's source hooks: workspace packages resolve to their sources, as in tests, so no build is needed.
  const hooks = fileURLToPath(new URL('../../../../../tools/typescript-sources.mjs', import.meta.url));
  const child = fork(script, [], {
    execArgv: ['--no-warnings', '--import', hooks],
    env: { ...process.env, NEO_CUTOVER_CHILD_INPUT: inputFile },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const run: ChildRun = { steps: [], outcome: 'crashed' };
  try {
    await new Promise<void>((resolve, reject) => {
      child.on('message', (message: { step?: string; done?: boolean; failed?: string }) => {
        if (message.step) {
          run.steps.push(message.step);
          if (message.step === options.killAt) {
            run.outcome = 'killed';
            child.kill('SIGKILL');
          }
        }
        if (message.done) run.outcome = 'done';
        if (message.failed !== undefined) {
          run.outcome = 'failed';
          run.failure = message.failed;
        }
      });
      child.on('error', reject);
      child.on('exit', () => resolve());
    });
    return run;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
