/**
 * The asciicast v2 format (https://docs.asciinema.org/manual/asciicast/v2/): one JSON header line,
 * then one JSON array per event: [seconds since start, code, data]. jitgate adds its own object
 * under `jitgate` in the header (players and the asciinema CLI ignore keys they do not know).
 */

/** Who and what a recording is about; written into the header so a file speaks for itself. */
export interface CastIdentity {
  /** The server-made session (and recording) id. */
  session: string;
  user: string;
  resource: string;
  login: string;
  grant: string;
}

export interface CastHeader {
  version: 2;
  width: number;
  height: number;
  /** Unix time (seconds) the recording started. */
  timestamp: number;
  env?: Record<string, string>;
  title?: string;
  jitgate?: CastIdentity;
}

/** o: output, i: input (keystrokes), r: resize ("COLSxROWS"), m: marker (a label). */
export type CastCode = 'o' | 'i' | 'r' | 'm';
export type CastEvent = [time: number, code: CastCode, data: string];

export const CAST_CODES: readonly CastCode[] = ['o', 'i', 'r', 'm'];

/** Microsecond precision, as asciinema writes it; keeps lines short. */
const seconds = (time: number) => Math.round(time * 1e6) / 1e6;

export const headerLine = (header: CastHeader): string => JSON.stringify(header) + '\n';

export const eventLine = (time: number, code: CastCode, data: string): string =>
  JSON.stringify([seconds(time), code, data]) + '\n';

export const resizeData = (cols: number, rows: number) => `${cols}x${rows}`;
