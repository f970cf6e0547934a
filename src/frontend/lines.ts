/**
 * Line and column of an offset, from the text's own line breaks (the YAML parser's line counter
 * misses those inside a plain scalar it could not place, and every later error lands a line short).
 */
export class Lines {
  private readonly starts = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  /** 1-based line and column. */
  linePos(offset: number): { line: number; col: number } {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, col: offset - this.starts[low]! + 1 };
  }
}
