/**
 * Back/forward history of views, like a browser's: pushing after going back drops the forward
 * entries. Bounded so that a long session of wheel zooms does not grow without limit.
 */
export class ViewHistory<T> {
  private entries: T[] = [];
  private index = -1;

  constructor(
    private readonly equal: (a: T, b: T) => boolean = Object.is,
    private readonly limit = 200,
  ) {}

  /** The current entry, or undefined before the first push. */
  get current(): T | undefined {
    return this.entries[this.index];
  }

  get canBack(): boolean {
    return this.index > 0;
  }

  get canForward(): boolean {
    return this.index < this.entries.length - 1;
  }

  get length(): number {
    return this.entries.length;
  }

  /** Records a new current entry; an entry equal to the current one is not recorded twice. */
  push(entry: T): void {
    if (this.index >= 0 && this.equal(this.entries[this.index], entry)) return;
    this.entries.splice(this.index + 1);
    this.entries.push(entry);
    if (this.entries.length > this.limit) this.entries.shift();
    this.index = this.entries.length - 1;
  }

  back(): T | undefined {
    if (!this.canBack) return undefined;
    return this.entries[--this.index];
  }

  forward(): T | undefined {
    if (!this.canForward) return undefined;
    return this.entries[++this.index];
  }
}
