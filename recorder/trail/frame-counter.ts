/**
 * Counts WebSocket messages in one direction of a tunnel by reading only frame headers as the
 * bytes go by: payloads are skipped by arithmetic, never parsed, copied or unmasked, so counting
 * costs a few operations per chunk. A message is a text or binary frame (opcode 1 or 2);
 * continuation frames of a fragmented message and control frames (close, ping, pong) are not
 * counted. Bytes are counted on the wire, frame headers included.
 */
const MAX_HEADER = 14;

export class FrameCounter {
  messages = 0;
  bytes = 0;
  private readonly header = new Uint8Array(MAX_HEADER);
  private headerLength = 0;
  /** Payload bytes of the current frame still to pass. */
  private skip = 0;

  push(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    let i = 0;
    while (i < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
        continue;
      }
      this.header[this.headerLength++] = chunk[i++] ?? 0;
      if (this.headerLength >= 2 && this.headerLength === this.headerSize()) this.endHeader();
    }
  }

  /** Header bytes of the current frame: known once its second byte is in. */
  private headerSize(): number {
    const second = this.header[1] ?? 0;
    const length7 = second & 0x7f;
    const extended = length7 === 126 ? 2 : length7 === 127 ? 8 : 0;
    return 2 + extended + (second & 0x80 ? 4 : 0);
  }

  private endHeader(): void {
    const opcode = (this.header[0] ?? 0) & 0x0f;
    if (opcode === 1 || opcode === 2) this.messages++;
    const length7 = (this.header[1] ?? 0) & 0x7f;
    let length = length7;
    if (length7 === 126) length = ((this.header[2] ?? 0) << 8) | (this.header[3] ?? 0);
    else if (length7 === 127) {
      length = 0;
      // 64-bit length; Number holds every length a real socket carries exactly.
      for (let k = 2; k < 10; k++) length = length * 256 + (this.header[k] ?? 0);
    }
    this.skip = length;
    this.headerLength = 0;
  }
}
