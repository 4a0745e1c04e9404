/**
 * The strings of an import's tables, as numbers. Repeated values (customer IDs, locations, VLANs) are
 * interned. Per-row texts (descriptions, PTR names) are UTF-8 bytes in one growing buffer: a million
 * of them as strings would be a million objects for the collector to trace, and the parser's
 * substrings would keep every chunk of the file they were cut from alive.
 */

/** Repeated values, each a number. */
export class Interner {
  private readonly ids = new Map<string, number>();
  private readonly list: string[] = [];
  id(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.list.length;
      this.ids.set(s, id);
      this.list.push(s);
    }
    return id;
  }
  at(id: number): string {
    return this.list[id]!;
  }
}

/** A text that is null. */
export const NO_TEXT = -1;

export class Texts {
  private bytes = Buffer.allocUnsafe(1 << 16);
  private used = 0;
  /** Where each text starts; it ends where the next one starts (or at `used`). */
  private starts = new Int32Array(1024);
  private count = 0;

  add(text: string | null): number {
    if (text === null) return NO_TEXT;
    if (this.count === this.starts.length) {
      const next = new Int32Array(this.starts.length * 2);
      next.set(this.starts);
      this.starts = next;
    }
    const room = text.length * 3;
    if (this.used + room > this.bytes.length) {
      const next = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + room));
      this.bytes.copy(next, 0, 0, this.used);
      this.bytes = next;
    }
    this.starts[this.count] = this.used;
    this.used += this.bytes.write(text, this.used, 'utf8');
    return this.count++;
  }

  get(id: number): string | null {
    if (id === NO_TEXT) return null;
    const end = id + 1 < this.count ? this.starts[id + 1]! : this.used;
    return this.bytes.toString('utf8', this.starts[id]!, end);
  }

  /** A text that is null or empty. */
  blank(id: number): boolean {
    return id === NO_TEXT || (id + 1 < this.count ? this.starts[id + 1]! : this.used) === this.starts[id];
  }
}
