/** One person's recording, second by second, as the evaluation replays it. */
export interface Recording {
  subject: string;
  /** Unix seconds of each row, ascending. */
  t: number[];
  hr: (number | undefined)[];
  resp: (number | undefined)[];
  eda: (number | undefined)[];
  skin_temp: (number | undefined)[];
  /** RR intervals (ms) of the beats that ended within each second. */
  rr: (number[] | undefined)[];
  /** 1 = labelled stress task, 0 = rest. */
  label: (0 | 1)[];
}
