/**
 * The SSH wire encoding (RFC 4251 §5) that keys and certificates are made of: uint32, uint64 and
 * length-prefixed strings. Only what jitgate writes and reads is here.
 */
export class SshWriter {
  private readonly parts: Buffer[] = [];

  byte(value: number): this {
    this.parts.push(Buffer.from([value]));
    return this;
  }

  uint32(value: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(value);
    this.parts.push(b);
    return this;
  }

  uint64(value: bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(value);
    this.parts.push(b);
    return this;
  }

  string(value: Buffer | string): this {
    const bytes = typeof value === 'string' ? Buffer.from(value) : value;
    this.uint32(bytes.length);
    this.parts.push(bytes);
    return this;
  }

  raw(bytes: Buffer): this {
    this.parts.push(bytes);
    return this;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export class SshReader {
  private offset = 0;

  constructor(private readonly bytes: Buffer) {}

  private take(length: number): Buffer {
    if (this.offset + length > this.bytes.length) throw new Error('truncated SSH data');
    const part = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return part;
  }

  byte(): number {
    return this.take(1).readUInt8();
  }

  uint32(): number {
    return this.take(4).readUInt32BE();
  }

  uint64(): bigint {
    return this.take(8).readBigUInt64BE();
  }

  get done(): boolean {
    return this.offset >= this.bytes.length;
  }

  string(): Buffer {
    if (this.offset + 4 > this.bytes.length) throw new Error('truncated SSH data');
    const length = this.bytes.readUInt32BE(this.offset);
    const start = this.offset + 4;
    if (start + length > this.bytes.length) throw new Error('truncated SSH data');
    this.offset = start + length;
    return this.bytes.subarray(start, start + length);
  }

  /** Everything not read yet. */
  rest(): Buffer {
    return this.bytes.subarray(this.offset);
  }
}

/** Packs a list of names (principals) the way certificates carry them: strings in a string. */
export function stringList(values: readonly string[]): Buffer {
  const writer = new SshWriter();
  for (const value of values) writer.string(value);
  return writer.toBuffer();
}
