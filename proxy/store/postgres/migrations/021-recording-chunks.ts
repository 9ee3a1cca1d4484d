/**
 * Sealed recordings in bytea chunks. Kept as one base64 text value, a recording was a string of
 * 4/3 its size in the gate's memory (and again in the driver's query), and one over ~380 MiB
 * could not be archived at all (V8's longest string): it stayed on one replica's disk. Rows
 * written before this keep their base64 and are still read.
 */
export const RECORDING_CHUNKS = `
  ALTER TABLE recordings ALTER COLUMN cast_base64 DROP NOT NULL;
  CREATE TABLE recording_chunks (
    recording_id TEXT NOT NULL REFERENCES recordings (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    bytes BYTEA NOT NULL,
    PRIMARY KEY (recording_id, seq)
  );
`;
