/** What a CLI command function needs from the outside world; the real CLI passes process streams and fs. */
export interface CommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readFile: (p: string) => Promise<string>;
}

/** Exit codes: 0 done, 1 the input could not be used, 2 the command line was wrong. */
export const EXIT_OK = 0;
export const EXIT_INPUT = 1;
export const EXIT_USAGE = 2;
