import { execFile } from 'node:child_process';
import { PortierError } from '../errors.js';

/** Runs a program and resolves with its standard output. Injected so parsers can be tested. */
export type RunCommand = (file: string, args: readonly string[]) => Promise<string>;

/** Largest output accepted from a platform tool, in bytes (busy hosts print a lot). */
const MAX_TOOL_OUTPUT_BYTES = 64 * 1024 * 1024;

/**
 * The default {@link RunCommand}: `execFile` without a shell. A missing program or a failing
 * one becomes `PLATFORM_COMMAND_FAILED` naming it. lsof exits 1 when it finds nothing, with
 * no output, so an empty stdout with exit 1 counts as success.
 */
export const runCommand: RunCommand = (file, args) =>
  new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { maxBuffer: MAX_TOOL_OUTPUT_BYTES, windowsHide: true },
      (error, stdout) => {
        if (!error || (typeof error.code === 'number' && stdout.length === 0 && file === 'lsof')) {
          resolve(stdout);
          return;
        }
        reject(
          new PortierError(
            'PLATFORM_COMMAND_FAILED',
            `Could not run \`${file} ${args.join(' ')}\`: ${error.message}`,
            {
              hint: `Check that ${file} is installed and on PATH.`,
              cause: error,
            },
          ),
        );
      },
    );
  });
