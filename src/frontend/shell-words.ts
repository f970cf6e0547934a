/**
 * Splits a command string into words the way compose does (POSIX shell quoting, no
 * expansion): `sh -c 'echo "$A"'` → `['sh', '-c', 'echo "$A"']`. Undefined on an open quote or a
 * dangling final backslash, which compose (go-shellwords) rejects too.
 */
export function splitShellWords(command: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && '"\\$`\n'.includes(command[i + 1] ?? '')) word += command[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
    } else if (c === '\\') {
      // A backslash escapes the next character; with none left, the command is malformed.
      if (i + 1 === command.length) return undefined;
      word = (word ?? '') + command[++i];
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (quote) return undefined;
  if (word !== undefined) words.push(word);
  return words;
}
