/** One line of an edit script: kept, removed from the old text, or added by the new. */
type Edit = { readonly op: ' ' | '-' | '+'; readonly line: string; readonly a: number; readonly b: number };

/**
 * The hunks of a unified diff of two texts, as `diff -u` prints them after its header (`@@ -l,n +l,n @@`
 * and the lines, `context` lines around each change); '' when they are the same. Texts are compared
 * by line; a text that does not end with a newline is read as if it did.
 */
export function unifiedHunks(before: string, after: string, context = 3): string {
  const edits = editScript(lines(before), lines(after));
  const changed = edits.flatMap((e, i) => (e.op === ' ' ? [] : [i]));
  if (changed.length === 0) return '';
  // Changes closer than twice the context share a hunk.
  const hunks: [number, number][] = [];
  for (const i of changed) {
    const last = hunks.at(-1);
    if (last && i - last[1] <= 2 * context) last[1] = i;
    else hunks.push([i, i]);
  }
  return hunks.map(([first, last]) => {
    const slice = edits.slice(Math.max(0, first - context), Math.min(edits.length, last + context + 1));
    const olds = slice.filter((e) => e.op !== '+');
    const news = slice.filter((e) => e.op !== '-');
    // An empty side is numbered after the line it follows, as GNU diff does (`-0,0` for a new file).
    const range = (side: readonly Edit[], start: number) => (side.length === 1 ? `${start}` : `${side.length === 0 ? start - 1 : start},${side.length}`);
    const header = `@@ -${range(olds, (olds[0]?.a ?? slice[0]!.a) + 1)} +${range(news, (news[0]?.b ?? slice[0]!.b) + 1)} @@\n`;
    return header + slice.map((e) => `${e.op}${e.line}\n`).join('');
  }).join('');
}

function lines(text: string): string[] {
  if (text === '') return [];
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
}

/** A shortest edit script (Myers' O((N+M)D) algorithm), each edit with its index in both texts. */
function editScript(a: readonly string[], b: readonly string[]): Edit[] {
  const n = a.length;
  const m = b.length;
  const offset = n + m + 1;
  const v = new Int32Array(2 * offset + 1);
  const trace: Int32Array[] = [];
  let found = n === 0 && m === 0;
  for (let d = 0; d <= n + m && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  // Walk back from the end through each step's furthest reaching paths.
  const edits: Edit[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const past = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && past[offset + k - 1]! < past[offset + k + 1]!) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : past[offset + prevK]!;
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      edits.push({ op: ' ', line: a[x]!, a: x, b: y });
    }
    if (d === 0) break;
    if (x === prevX) edits.push({ op: '+', line: b[--y]!, a: x, b: y });
    else edits.push({ op: '-', line: a[--x]!, a: x, b: y });
  }
  return edits.reverse();
}
