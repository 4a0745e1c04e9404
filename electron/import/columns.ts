/** The import's tables (file rows, tree nodes, addresses): typed-array columns that grow together. */
type Column = Int32Array | Int16Array | Int8Array | Uint32Array | Uint16Array | Uint8Array | Float64Array;

export abstract class Columns {
  length = 0;
  private capacity = 0;

  /** Makes room for one more entry; returns its index. Every typed-array field of the table doubles. */
  protected append(): number {
    if (this.length === this.capacity) {
      const size = Math.max(1024, this.capacity * 2);
      const self = this as unknown as Record<string, unknown>;
      for (const [name, value] of Object.entries(self)) {
        if (!ArrayBuffer.isView(value) || value instanceof DataView) continue;
        const wider = new (value.constructor as new (n: number) => Column)(size);
        wider.set(value as Column);
        self[name] = wider;
      }
      this.capacity = size;
    }
    return this.length++;
  }
}
